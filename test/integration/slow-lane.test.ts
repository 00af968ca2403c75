import { describe, expect, it } from 'vitest';
import type { Receiver } from '../../local/receiver';
import { waitFor } from '../helpers/pipeline';
import { usePlatform } from '../helpers/platform-fixture';

// One batch at a time per lane, so that a single hanging attempt in the fast lane would hold up everyone behind it;
// the fast lane waits 1 s for an answer, the slow lane 20 s.
const FAST_LANE_SECONDS = 1;
const SLOW_LANE_SECONDS = 20;
const local = usePlatform(
  { FAST_LANE_SEND_TIMEOUT_SECONDS: String(FAST_LANE_SECONDS), SEND_TIMEOUT_SECONDS: String(SLOW_LANE_SECONDS) },
  { retryScheduleSeconds: [1, 1, 1], deliverConcurrency: 1 },
);

async function tenantWithWebhook(behaviour: Receiver['behaviour']) {
  const { platform, sqs } = local;
  const tenant = await platform.newTenant();
  const receiver = await local.receiver(behaviour);
  const webhook = await local.webhookAt(receiver, tenant.key);
  const publish = (id: string) => sqs.publish({ tenantId: tenant.tenantId, id, type: 'document.uploaded', data: {} });
  const get = async (path = '') =>
    (await platform.request('GET', `/v2/webhooks/${webhook.id}${path}`, { key: tenant.key })).body;
  return { receiver, webhook, key: tenant.key, publish, get };
}

describe('The slow lane (docs/design.md §9, Isolation)', () => {
  it("keeps a hanging endpoint's attempts out of the fast lane, so another tenant's deliveries flow while they " +
    'hang', async () => {
    // Prepare: B's endpoint never answers
    let requestsToB = 0;
    const b = await tenantWithWebhook({
      decide: () => {
        requestsToB += 1;
        return 'hang';
      },
    });
    const a = await tenantWithWebhook({ decide: () => ({ status: 200 }) });

    // Act: B's delivery first, then A's ten while B's requests hang
    await b.publish('evt_slow_lane_b');
    await waitFor(() => requestsToB === 1, { what: "B's first request" });
    for (let index = 0; index < 10; index += 1) await a.publish(`evt_slow_lane_a${index}`);

    // Assess: A's deliveries all arrive well before the slow lane gives up on B's attempt (20 s): B's retry waits
    // there, not in the fast lane's only slot
    await waitFor(
      () =>
        a.receiver.deliveries.filter((delivery) => delivery.standardVerified && delivery.githubVerified).length === 10,
      {
        timeoutMs: (SLOW_LANE_SECONDS / 2) * 1000,
        what: "A's deliveries",
      },
    );
    await waitFor(() => requestsToB === 2, { what: "B's second request, from the slow lane" });
    const health = (await b.get()).health;
    expect(Date.parse(health.slowLaneUntil) - Date.now()).toBeGreaterThan(3500 * 1000 - 60_000);
    const delivery = await b.get('/deliveries/evt_slow_lane_b');
    expect(delivery.attempts[0]).toMatchObject({
      error:
        `timeout: no complete answer within ${FAST_LANE_SECONDS * 1000} ms; later attempts go through the slow ` +
        `lane`,
    });
    // the second attempt is still waiting in the slow lane: A did not wait for it
    expect(delivery.attempts).toHaveLength(1);
    expect((await a.get()).health).toEqual({ state: 'healthy', failingSince: null, consecutiveFailures: 0 });

    // Clean up: the slow lane is shared by every slow endpoint; free its only slot for the next test
    await local.platform.request('DELETE', `/v2/webhooks/${b.webhook.id}`, { key: b.key });
    await b.receiver.stop();
  }, 60_000);

  it('delivers everything to an endpoint slower than the fast lane allows, through the slow lane once it is known ' +
    'slow', async () => {
    // Prepare: answers after 1.5 s, more than the fast lane waits
    const slow = await tenantWithWebhook({ decide: () => ({ status: 200, delayMs: 1500 }) });

    const delivered = async (eventId: string) => {
      const detail = await slow.get(`/deliveries/${eventId}`);
      return detail.status === 'delivered' && detail;
    };

    // Act: one event finds it slow; five more go after that
    await slow.publish('evt_slow_first');
    const first = await waitFor(() => delivered('evt_slow_first'), {
      what: 'the first delivery, retried in the slow lane',
    });
    for (let index = 0; index < 5; index += 1) await slow.publish(`evt_slow_next${index}`);

    // Assess: every event delivered, signatures verified; the first cost one cut-off attempt, the others none
    expect(first.attempts.map((attempt: { statusCode?: number }) => attempt.statusCode ?? 'none')).toEqual([
      'none',
      200,
    ]);
    for (let index = 0; index < 5; index += 1) {
      const next = await waitFor(() => delivered(`evt_slow_next${index}`), {
        timeoutMs: 30_000,
        what: `event ${index} of the five`,
      });
      expect(next.attempts).toEqual([expect.objectContaining({ statusCode: 200, trigger: 'scheduled' })]);
    }
    expect(slow.receiver.deliveries.every((delivery) => delivery.standardVerified && delivery.githubVerified)).toBe(
      true,
    );
    expect((await slow.get()).health).toMatchObject({ state: 'healthy', slowLaneUntil: expect.any(String) });
  }, 60_000);
});
