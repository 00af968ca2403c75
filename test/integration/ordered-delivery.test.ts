import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqsHandler } from '../../local/sqs-poller';
import { startReceiver, type Receiver } from '../../local/receiver';
import { producer, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let sqs: ReturnType<typeof producer>;
const receivers: Receiver[] = [];
/** The order fan-out took the events in (its batches' records, batch after batch). */
const fannedOut: string[] = [];

function recordFanOut(name: string, handler: SqsHandler): SqsHandler {
  if (name !== 'fan-out') return handler;
  return (event, context) => {
    for (const record of event.Records) {
      const id = (JSON.parse(record.body) as { id?: string }).id;
      if (id) fannedOut.push(id);
    }
    return handler(event, context);
  };
}

beforeAll(async () => {
  platform = await startTestPlatform({}, { retryScheduleSeconds: [1, 1], wrapConsumer: recordFanOut });
  sqs = producer(platform);
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
  await platform.stop();
});

describe('ordering: "fifo"', () => {
  it(
    "holds an ordered webhook's later events behind a failing one, in order, while its unordered sibling gets all " +
      'ten at once',
    async () => {
      // Prepare: the ordered webhook's receiver fails the first event once
      const tenant = await platform.newTenant('ordered');
      const ids = Array.from(
        { length: 10 },
        (_, index) => `evt_${String(index).padStart(2, '0')}${randomUUID().replaceAll('-', '').slice(0, 20)}`,
      );
      let failedFirst = false;
      const ordered = await startReceiver({
        behaviour: {
          decide: (delivery) => {
            if (delivery.eventId === ids[0] && !failedFirst) {
              failedFirst = true;
              return { status: 500 };
            }
            return { status: 200 };
          },
        },
      });
      const sibling = await startReceiver();
      receivers.push(ordered, sibling);
      const create = (receiver: Receiver, extra: Record<string, unknown>) =>
        platform.request('POST', '/v2/webhooks', {
          key: tenant.key,
          body: { url: `${receiver.url}/hooks`, events: ['verification.completed'], ...extra },
        });
      const created = await create(ordered, { ordering: 'fifo' });
      await create(sibling, {});

      // Act
      await sqs.publishBatch(
        ids.map((id) => JSON.stringify({ tenantId: tenant.tenantId, id, type: 'verification.completed', data: {} })),
      );

      // Assess
      await waitFor(() => sibling.deliveries.length === 10, { what: "the sibling's ten deliveries" });
      const delivered = await waitFor(
        () => {
          const answered = ordered.deliveries.filter((delivery) => delivery.answeredStatus === 200);
          return answered.length === 10 && answered;
        },
        { timeoutMs: 30_000, what: "the ordered webhook's ten deliveries" },
      );
      const expectedOrder = fannedOut.filter((id) => ids.includes(id));
      expect(created.body.ordering).toBe('fifo');
      expect(delivered.map((delivery) => delivery.eventId)).toEqual(expectedOrder);
      // the first request it got was the failing attempt, and nothing came between it and its retry
      expect(ordered.deliveries[0]).toMatchObject({ eventId: expectedOrder[0], answeredStatus: 500 });
      expect(ordered.deliveries[1]).toMatchObject({ eventId: expectedOrder[0], answeredStatus: 200 });
      // the sibling did not wait for the ordered webhook's retry
      expect(Math.max(...sibling.deliveries.map((delivery) => delivery.receivedAt))).toBeLessThan(
        ordered.deliveries[1]!.receivedAt,
      );
    },
  );

  it('refuses an ordering other than none or fifo, naming the field', async () => {
    const tenant = await platform.newTenant('ordered');
    const response = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: 'https://example.com/h', events: ['verification.completed'], ordering: 'lifo' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([expect.objectContaining({ path: 'ordering' })]);
  });
});
