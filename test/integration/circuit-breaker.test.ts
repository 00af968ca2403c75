import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../helpers/pipeline';
import { usePlatform } from '../helpers/platform-fixture';

// compressed: every wait leaves the in-flight state and hops at most 1 s at a time; probes every 1 s, then 2 s.
// While the breaker is open each probe is some delivery's attempt: with few attempts, a delivery that happened to
// probe several times would be exhausted (rightly) before the endpoint recovers, so the schedule allows nine.
const SCHEDULE = [2, 3, 3, 3, 3, 3, 3, 3];
const local = usePlatform(
  {
    RETRY_IN_FLIGHT_MAX_SECONDS: '0',
    RETRY_HOP_MAX_SECONDS: '1',
    BREAKER_PROBE_INITIAL_SECONDS: '1',
    BREAKER_PROBE_MAX_SECONDS: '2',
  },
  { retryScheduleSeconds: SCHEDULE, deliverConcurrency: 2 },
);

describe('The circuit breaker (docs/design.md §9)', () => {
  it('stops sending to an endpoint that keeps failing, probes it now and then, and delivers everything once it ' +
    'recovers', async () => {
    // Prepare
    const { platform, sqs } = local;
    let healthy = false;
    const receiver = await local.receiver({ decide: () => ({ status: healthy ? 200 : 503 }) });
    const tenant = await platform.newTenant();
    const webhook = await local.webhookAt(receiver, tenant.key);
    const events = 200;

    // Act: 200 events while the endpoint is down, for 8 s
    for (let start = 0; start < events; start += 10) {
      await sqs.publishBatch(
        Array.from({ length: 10 }, () =>
          JSON.stringify({
            tenantId: tenant.tenantId,
            id: `evt_${randomUUID().replaceAll('-', '')}`,
            type: 'document.uploaded',
            data: {},
          }),
        ),
      );
    }
    await sleep(8_000);
    const requestsWhileDown = receiver.deliveries.length;
    const { body: seen } = await platform.request('GET', `/v2/webhooks/${webhook.id}`, { key: tenant.key });
    healthy = true;

    // Assess
    console.log(`breaker: ${requestsWhileDown} requests reached the failing endpoint for ${events} events in 8 s`);
    expect(seen.health).toMatchObject({
      state: 'open',
      consecutiveFailures: expect.any(Number),
      failingSince: expect.any(String),
    });
    // 10 open it, up to 2 batches of 10 were in flight then, and one probe per interval (1 s, then 2 s)
    expect(requestsWhileDown).toBeLessThanOrEqual(10 + 20 + 8);
    const deliveredEvents = () =>
      new Set(
        receiver.deliveries.filter((delivery) => delivery.answeredStatus === 200).map((delivery) => delivery.eventId),
      ).size;
    await waitFor(() => deliveredEvents() === events, {
      timeoutMs: 30_000,
      what: 'every delivery after the recovery',
    }).catch(async (error: Error) => {
      const dead = await sqs.drain(platform.queues.deliveries.dlqUrl);
      const reasons = dead.map((message) => message.MessageAttributes?.failureReason?.StringValue);
      throw new Error(
        `${error.message}: ${deliveredEvents()} of ${events} delivered; dead-lettered: ${JSON.stringify(reasons)}`,
      );
    });
    const { body: after } = await platform.request('GET', `/v2/webhooks/${webhook.id}`, { key: tenant.key });
    expect(after.health).toEqual({ state: 'healthy', failingSince: null, consecutiveFailures: 0 });
  }, 90_000);
});
