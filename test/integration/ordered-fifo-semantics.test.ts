import { randomUUID } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { drainQueue } from '../../local/queue-inspection';
import { localClientConfig } from '../../local/local-settings';
import { startReceiver, type Receiver } from '../../local/receiver';
import { producer, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

// three attempts one second apart, and a breaker that never opens, so twelve deliveries exhaust quickly
let platform: TestPlatform;
let receiver: Receiver;

beforeAll(async () => {
  platform = await startTestPlatform({ BREAKER_FAILURE_THRESHOLD: '100000' }, { retryScheduleSeconds: [1, 1] });
});
afterAll(async () => {
  await receiver?.stop();
  await platform.stop();
});

describe('The ordered lane on SQS FIFO semantics (up to ten messages of a group per receive)', () => {
  it('ends every delivery of a failing ordered webhook in the deliveries DLQ, with reason, failed record', async () => {
    // Prepare
    receiver = await startReceiver({ behaviour: { decide: () => ({ status: 500 }) } });
    const tenant = await platform.newTenant('fifo');
    const { body: webhook } = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: `${receiver.url}/hooks`, events: ['verification.completed'], ordering: 'fifo' },
    });
    const ids = Array.from({ length: 12 }, (_, index) => `evt_${index}_${randomUUID().replaceAll('-', '')}`);

    // Act
    const events = producer(platform);
    await events.publishBatch(
      ids
        .slice(0, 10)
        .map((id) => JSON.stringify({ tenantId: tenant.tenantId, id, type: 'verification.completed', data: {} })),
    );
    await events.publishBatch(
      ids
        .slice(10)
        .map((id) => JSON.stringify({ tenantId: tenant.tenantId, id, type: 'verification.completed', data: {} })),
    );

    // Assess: every event has a failed record that recover finds
    const failed = await waitFor(
      async () => {
        const { body } = await platform.request(
          'GET',
          `/v2/webhooks/${webhook.id}/deliveries?status=failed&limit=100`,
          {
            key: tenant.key,
          },
        );
        return body.data.length === ids.length && body.data;
      },
      { timeoutMs: 120_000, what: 'twelve failed deliveries' },
    );
    expect(failed.map((delivery: { eventId: string }) => delivery.eventId).sort()).toEqual([...ids].sort());
    expect(failed.every((delivery: { attemptCount: number }) => delivery.attemptCount === 3)).toBe(true);
    // Assess: each is in the deliveries DLQ with its reason, none in the ordered queue's own DLQ
    const client = new SQSClient(localClientConfig(inject('sqsEndpoint')));
    const parked = await drainQueue(client, platform.queues.deliveries.dlqUrl);
    const mine = parked.filter((message) => ids.some((id) => message.Body?.includes(id)));
    expect(mine).toHaveLength(ids.length);
    expect(
      mine.every((message) => message.MessageAttributes?.failureReason?.StringValue?.startsWith('exhausted: 3 of 3')),
    ).toBe(true);
    expect(await drainQueue(client, platform.queues.orderedDeliveries.dlqUrl)).toEqual([]);
    // one event at a time: each event's three attempts came one after the other, none interleaved
    const seen = receiver.deliveries.map((delivery) => delivery.eventId);
    const order = [...new Set(seen)];
    expect(seen).toEqual(order.flatMap((id) => [id, id, id]));
    client.destroy();
  }, 180_000);
});
