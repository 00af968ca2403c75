import { describe, expect, it } from 'vitest';
import type { Receiver } from '../../local/receiver';
import { waitFor } from '../helpers/pipeline';
import { usePlatform } from '../helpers/platform-fixture';

// One batch at a time per lane, so that a single slow attempt in the ordered lane would hold up every ordered
// webhook behind it; the fast lanes wait 1 s for an answer, the slow ones 6 s. The queues are FIFO as on AWS
// (local/fauxqs-fifo.ts: up to ten messages of a group per receive, in order).
const FAST_LANE_SECONDS = 1;
const SLOW_LANE_SECONDS = 6;
const local = usePlatform(
  {
    FAST_LANE_SEND_TIMEOUT_SECONDS: String(FAST_LANE_SECONDS),
    SEND_TIMEOUT_SECONDS: String(SLOW_LANE_SECONDS),
    BREAKER_FAILURE_THRESHOLD: '100',
  },
  { retryScheduleSeconds: [1, 1], deliverConcurrency: 1 },
);

async function orderedWebhook(decide: NonNullable<Receiver['behaviour']['decide']>) {
  const { platform } = local;
  const tenant = await platform.newTenant();
  // every request as it arrives (a hanging one is never answered, so the receiver does not list it)
  const requests: { eventId: string; at: number }[] = [];
  const receiver = await local.receiver({
    decide: (delivery) => {
      requests.push({ eventId: delivery.eventId, at: Date.now() });
      return decide(delivery);
    },
  });
  const { body: webhook } = await platform.request('POST', '/v2/webhooks', {
    key: tenant.key,
    body: { url: `${receiver.url}/hooks`, events: ['document.uploaded'], ordering: 'fifo' },
  });
  receiver.secrets.push(webhook.secret);
  // one batch, so that fan-out queues them in this order (the ordered lane keeps the order fan-out queued them in)
  const publish = (ids: string[]) =>
    local.sqs.publishBatch(
      ids.map((id) => JSON.stringify({ tenantId: tenant.tenantId, id, type: 'document.uploaded', data: {} })),
    );
  const delivery = async (eventId: string) =>
    (await platform.request('GET', `/v2/webhooks/${webhook.id}/deliveries/${eventId}`, { key: tenant.key })).body;
  /** The events in the order the receiver first saw them, and whether any request came back to an earlier one. */
  const order = () => {
    const seen = requests.map((request) => request.eventId);
    const firsts = [...new Set(seen)];
    const interleaved = seen.some(
      (eventId, index) => index > 0 && firsts.indexOf(eventId) < firsts.indexOf(seen[index - 1]!),
    );
    return { firsts, interleaved };
  };
  return { requests, webhook, publish, delivery, order };
}

describe('Ordered-lane isolation (issue 24 §3): a slow or hanging receiver holds up no other ordered webhook', () => {
  it('moves slow and hanging webhooks off the lane: slow ones in order, hanging ones parked with reasons', async () => {
    // Prepare: S answers after 2.5 s (slower than the ordered lane waits), H never answers, A at once
    const slow = await orderedWebhook(() => ({ status: 200, delayMs: 2500 }));
    const hanging = await orderedWebhook(() => 'hang');
    const healthy = await orderedWebhook(() => ({ status: 200 }));
    const slowIds = [1, 2, 3].map((n) => `evt_iso_s${n}`);
    const hangingIds = [1, 2].map((n) => `evt_iso_h${n}`);
    const healthyIds = [1, 2, 3, 4, 5].map((n) => `evt_iso_a${n}`);

    // Act: S's and H's events first; A's once both are holding their first request
    await slow.publish(slowIds);
    await hanging.publish(hangingIds);
    await waitFor(() => slow.requests.length > 0 && hanging.requests.length > 0, {
      what: 'the first requests to S and H',
    });
    const publishedAt = Date.now();
    await healthy.publish(healthyIds);

    // Assess: A's five arrive, in order, long before S's three could have been sent one after the other in the
    // ordered lane's only slot (7.5 s), or H's attempts waited out (6 s each)
    await waitFor(() => healthy.requests.length >= healthyIds.length, {
      timeoutMs: 20_000,
      what: "A's deliveries",
    });
    const lastArrival = Math.max(...healthy.requests.map((request) => request.at));
    expect(lastArrival - publishedAt).toBeLessThan(4000);
    expect(healthy.order()).toEqual({ firsts: healthyIds, interleaved: false });

    // Assess: S's deliveries all delivered, in order, through the slow lane after the first attempt was cut off
    for (const id of slowIds)
      await waitFor(async () => (await slow.delivery(id)).status === 'delivered', {
        timeoutMs: 60_000,
        what: `${id} delivered`,
      });
    expect(slow.order()).toEqual({ firsts: slowIds, interleaved: false });
    const first = await slow.delivery(slowIds[0]!);
    expect(first.attempts[0].error).toBe(
      `timeout: no complete answer within ${FAST_LANE_SECONDS * 1000} ms; later attempts go through the slow lane`,
    );

    // Assess: H's deliveries each failed after its three attempts (none dropped), one event after the other
    for (const id of hangingIds) {
      const record = await waitFor(
        async () => {
          const detail = await hanging.delivery(id);
          return detail.status === 'failed' && detail;
        },
        { timeoutMs: 90_000, what: `${id} failed` },
      );
      expect(record.attemptCount).toBe(3);
      expect(record.attempts.at(-1).error).toBe(`timeout: no complete answer within ${SLOW_LANE_SECONDS * 1000} ms`);
    }
    const parked = await waitFor(
      async () => {
        const messages = await local.sqs.drain(local.platform.queues.deliveries.dlqUrl);
        const mine = messages.filter((message) => hangingIds.some((id) => message.Body?.includes(id)));
        return mine.length === hangingIds.length && mine;
      },
      { what: "H's deliveries in the DLQ" },
    );
    expect(
      parked.every((message) => message.MessageAttributes?.failureReason?.StringValue?.startsWith('exhausted: 3 of 3')),
    ).toBe(true);
    expect(hanging.order()).toEqual({ firsts: hangingIds, interleaved: false });
  }, 150_000);
});
