import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoWebhookThrottleRepository } from '../../lambdas/adapters/webhook-throttle-repository';
import { aWebhook } from '../helpers/factories';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(() => platform.stop());

/** The repository on DynamoDB Local, with every write request it makes counted. */
function counted() {
  const writes: string[] = [];
  const client = {
    send: (command: { constructor: { name: string } }) => {
      writes.push(command.constructor.name);
      return platform.documentClient.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  return { writes, repository: new DynamoWebhookThrottleRepository(client, platform.tableName) };
}

describe('Class: DynamoWebhookThrottleRepository, on DynamoDB Local', () => {
  const nowMs = Date.parse('2026-12-01T00:00:00.000Z');
  const latestMs = nowMs + 900_000;

  it('reserves a busy webhook its next free slot with one write, and an idle one now with two', async () => {
    // Prepare
    const { writes, repository } = counted();
    const webhook = aWebhook({ id: 'webhook_busy', tenantId: 'throttle-busy', throttleRate: 4 });

    // Act
    const idle = await repository.reserve(webhook, nowMs, 250, latestMs);
    const idleWrites = writes.splice(0).length;
    const busy = [];
    for (let index = 0; index < 3; index += 1) busy.push(await repository.reserve(webhook, nowMs, 250, latestMs));

    // Assess
    expect(idle).toBe(nowMs);
    expect(idleWrites).toBe(2);
    expect(busy).toEqual([nowMs + 250, nowMs + 500, nowMs + 750]);
    expect(writes).toEqual(['UpdateCommand', 'UpdateCommand', 'UpdateCommand']);
  });

  it('takes no slot past the latest time asked for, and moves nothing', async () => {
    // Prepare: a backlog that ends just before the limit
    const { repository } = counted();
    const webhook = aWebhook({ id: 'webhook_full', tenantId: 'throttle-full', throttleRate: 0.01 });
    const slots = [];
    for (let index = 0; index < 10; index += 1) slots.push(await repository.reserve(webhook, nowMs, 100_000, latestMs));

    // Act
    const refused = await repository.reserve(webhook, nowMs, 100_000, latestMs);
    const later = await repository.reserve(webhook, nowMs + 100_000, 100_000, latestMs + 100_000);

    // Assess: the slot at the limit was the last; one interval later, the next one is free
    expect(slots.at(-1)).toBe(latestMs);
    expect(refused).toBeUndefined();
    expect(later).toBe(nowMs + 1_000_000);
  });

  it('starts afresh, at now, when the item was spaced at another rate', async () => {
    // Prepare: a backlog at 1/s
    const { repository } = counted();
    const slow = aWebhook({ id: 'webhook_rate', tenantId: 'throttle-rate', throttleRate: 1 });
    for (let index = 0; index < 5; index += 1) await repository.reserve(slow, nowMs, 1000, latestMs);

    // Act: the same webhook at 100/s
    const fast = { ...slow, throttleRate: 100 };
    const slots = [
      await repository.reserve(fast, nowMs, 10, latestMs),
      await repository.reserve(fast, nowMs, 10, latestMs),
    ];

    // Assess
    expect(slots).toEqual([nowMs, nowMs + 10]);
  });
});
