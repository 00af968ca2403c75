import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sqsClient } from '../../lambdas/adapters/sqs-client';
import { moveMessages } from '../../local/redrive';
import { startReceiver, type Receiver } from '../../local/receiver';
import { producer, sleep, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let sqs: ReturnType<typeof producer>;
const receivers: Receiver[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({}, { retryScheduleSeconds: [1, 1], visibilityTimeoutSeconds: 1 });
  sqs = producer(platform);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await Promise.all(receivers.map((receiver) => receiver.stop()));
  await platform.stop();
});

async function webhooksAt(key: string, count: number, events = ['document.uploaded']) {
  const receiver = await startReceiver({});
  receivers.push(receiver);
  for (let index = 0; index < count; index += 1) {
    const { body } = await platform.request('POST', '/v2/webhooks', {
      key,
      body: { url: `${receiver.url}/hooks/${index}`, events },
    });
    receiver.secrets.push(body.secret);
  }
  return receiver;
}

const eventId = () => `evt_${randomUUID().replaceAll('-', '')}`;

describe('Pipeline under the audit (issue 7)', () => {
  it('delivers an event with 200 KB of data to all 10 of its webhooks (fan-out sends chunked by size)', async () => {
    // Prepare
    const tenant = await platform.newTenant();
    const receiver = await webhooksAt(tenant.key, 10);
    const id = eventId();

    // Act
    await sqs.publish({
      tenantId: tenant.tenantId,
      id,
      type: 'document.uploaded',
      data: { blob: 'x'.repeat(200 * 1024) },
    });

    // Assess
    await waitFor(
      () =>
        new Set(receiver.deliveries.filter((delivery) => delivery.eventId === id).map((delivery) => delivery.path))
          .size === 10,
      {
        timeoutMs: 30_000,
        what: '10 deliveries',
      },
    );
    expect(receiver.deliveries.every((delivery) => delivery.standardVerified && delivery.githubVerified)).toBe(true);
  });

  it('delivers U+FFFF, 20-digit ints, __proto__ exactly; refuses undeliverables with a reason; others go', async () => {
    // Prepare
    const tenant = await platform.newTenant();
    const receiver = await webhooksAt(tenant.key, 1);
    const exact = eventId();
    const deep = eventId();
    const mate = eventId();
    const exactBody =
      `{"tenantId":"${tenant.tenantId}","id":"${exact}","type":"document.uploaded",` +
      '"data":{"odd":"\\uffff\\ufffe","big":12345678901234567890,"__proto__":{"polluted":true}}}';
    const deepBody =
      `{"tenantId":"${tenant.tenantId}","id":"${deep}","type":"document.uploaded",` +
      `"data":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_001)}`;
    const mateBody = JSON.stringify({
      tenantId: tenant.tenantId,
      id: mate,
      type: 'document.uploaded',
      data: { ok: true },
    });

    // Act
    await sqs.publishBatch([exactBody, deepBody, mateBody]);

    // Assess
    await waitFor(() => receiver.deliveries.some((delivery) => delivery.eventId === mate), {
      what: "the batch-mate's delivery",
    });
    const delivered = await waitFor(() => receiver.deliveries.find((delivery) => delivery.eventId === exact), {
      what: 'the exact event',
    });
    expect(delivered.body).toContain('"big":12345678901234567890');
    expect(delivered.body).toContain('"__proto__":{"polluted":true}');
    expect(Object.keys(JSON.parse(delivered.body).data)).toEqual(['odd', 'big', '__proto__']);
    expect(JSON.parse(delivered.body).data.odd).toBe('\uffff\ufffe');
    const poison = await waitFor(
      async () => (await sqs.drain(platform.queues.events.dlqUrl)).find((message) => message.Body === deepBody),
      {
        what: 'the deep event in the events DLQ',
      },
    );
    expect(poison.MessageAttributes?.failureReason?.StringValue).toMatch(/^too_deep: data is nested 10000 levels/);
    expect(receiver.deliveries.some((delivery) => delivery.eventId === deep)).toBe(false);
  });

  it('fans an event out again when a DLQ replay brings it back after its fan-out failed half-way', async () => {
    // Prepare: the deliveries queue refuses fan-out's sends until the event is in the events DLQ
    const tenant = await platform.newTenant();
    const receiver = await webhooksAt(tenant.key, 2);
    const original = sqsClient.send.bind(sqsClient);
    let refuse = true;
    const spy = vi.spyOn(sqsClient, 'send').mockImplementation(((command: unknown, ...rest: unknown[]) => {
      if (
        refuse &&
        command instanceof SendMessageBatchCommand &&
        command.input.QueueUrl === platform.queues.deliveries.queueUrl
      ) {
        return Promise.reject(new Error('deliveries queue unavailable (test)'));
      }
      return (original as (...args: unknown[]) => unknown)(command, ...rest);
    }) as typeof sqsClient.send);
    const id = eventId();

    // Act
    await sqs.publish({ tenantId: tenant.tenantId, id, type: 'document.uploaded', data: { attempt: 'half' } });
    await waitFor(
      async () => (await sqs.peek(platform.queues.events.dlqUrl)).some((message) => message.Body?.includes(id)),
      {
        timeoutMs: 30_000,
        what: 'the event in the events DLQ after maxReceiveCount receives',
      },
    );
    refuse = false;
    spy.mockRestore();
    await sleep(1100); // the last claim lapses (claims last one visibility timeout)
    await moveMessages(sqs.client, platform.queues.events.dlqUrl, platform.queues.events.queueUrl);

    // Assess
    await waitFor(() => receiver.deliveries.filter((delivery) => delivery.eventId === id).length === 2, {
      timeoutMs: 20_000,
      what: 'both deliveries',
    });
  });
});
