import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../local/receiver';
import { producer, sleep, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

// compressed: every wait leaves the in-flight state and hops at most 1 s at a time; probes every 1 s, then 2 s
const SCHEDULE = [2, 3];
let platform: TestPlatform;
let sqs: ReturnType<typeof producer>;
const receivers: Receiver[] = [];

beforeAll(async () => {
  platform = await startTestPlatform(
    { RETRY_IN_FLIGHT_MAX_SECONDS: '0', RETRY_HOP_MAX_SECONDS: '1', BREAKER_PROBE_INITIAL_SECONDS: '1', BREAKER_PROBE_MAX_SECONDS: '2' },
    { retryScheduleSeconds: SCHEDULE, deliverConcurrency: 2 },
  );
  sqs = producer(platform);
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
  await platform.stop();
});

async function webhookAt(receiver: Receiver, key: string) {
  const { body } = await platform.request('POST', '/v2/webhooks', { key, body: { url: `${receiver.url}/hooks`, events: ['document.uploaded'] } });
  receiver.secrets.push(body.secret);
  return body as { id: string };
}

const publish = (tenantId: string) => sqs.publish({ tenantId, id: `evt_${randomUUID().replaceAll('-', '')}`, type: 'document.uploaded', data: {} });

describe('Retry hops and the circuit breaker (DESIGN §9)', () => {
  it('makes each attempt at its due time across delayed hops, then dead-letters the delivery with its reason', async () => {
    // Prepare
    const receiver = await startReceiver({ behaviour: { status: 500, failRate: 1 } });
    receivers.push(receiver);
    const tenant = await platform.newTenant();
    await webhookAt(receiver, tenant.key);

    // Act
    await publish(tenant.tenantId);

    // Assess
    await waitFor(() => receiver.deliveries.length === 3, { timeoutMs: 20_000, what: 'three attempts' });
    const gaps = receiver.deliveries.slice(1).map((delivery, index) => (delivery.receivedAt - receiver.deliveries[index]!.receivedAt) / 1000);
    for (const [index, gap] of gaps.entries()) {
      // ±20 % jitter, rounded to whole seconds, plus up to a second of long polling
      expect(gap).toBeGreaterThanOrEqual(Math.floor(SCHEDULE[index]! * 0.8));
      expect(gap).toBeLessThanOrEqual(Math.ceil(SCHEDULE[index]! * 1.2) + 1.5);
    }
    const [dead] = await waitFor(async () => {
      const messages = await sqs.drain(platform.queues.deliveries.dlqUrl);
      return messages.length > 0 && messages;
    }, { what: 'the dead letter' });
    expect(dead!.MessageAttributes?.failureReason?.StringValue).toBe('exhausted: 3 of 3 attempts failed; the last: HTTP 500');
  }, 60_000);

  it('stops sending to an endpoint that keeps failing, probes it now and then, and delivers everything once it recovers', async () => {
    // Prepare
    let healthy = false;
    const receiver = await startReceiver({ behaviour: { decide: () => ({ status: healthy ? 200 : 503 }) } });
    receivers.push(receiver);
    const tenant = await platform.newTenant();
    const webhook = await webhookAt(receiver, tenant.key);
    const events = 200;

    // Act: 200 events while the endpoint is down, for 8 s
    for (let start = 0; start < events; start += 10) {
      await sqs.publishBatch(
        Array.from({ length: 10 }, () => JSON.stringify({ tenantId: tenant.tenantId, id: `evt_${randomUUID().replaceAll('-', '')}`, type: 'document.uploaded', data: {} })),
      );
    }
    await sleep(8_000);
    const requestsWhileDown = receiver.deliveries.length;
    const { body: seen } = await platform.request('GET', `/v2/webhooks/${webhook.id}`, { key: tenant.key });
    healthy = true;

    // Assess
    console.log(`breaker: ${requestsWhileDown} requests reached the failing endpoint for ${events} events in 8 s`);
    expect(seen.health).toMatchObject({ state: 'open', consecutiveFailures: expect.any(Number), failingSince: expect.any(String) });
    // 10 open it, up to 2 batches of 10 were in flight then, and one probe per interval (1 s, then 2 s)
    expect(requestsWhileDown).toBeLessThanOrEqual(10 + 20 + 8);
    await waitFor(() => new Set(receiver.deliveries.filter((delivery) => delivery.answeredStatus === 200).map((delivery) => delivery.eventId)).size === events, {
      timeoutMs: 30_000,
      what: 'every delivery after the recovery',
    });
    const { body: after } = await platform.request('GET', `/v2/webhooks/${webhook.id}`, { key: tenant.key });
    expect(after.health).toEqual({ state: 'healthy', failingSince: null, consecutiveFailures: 0 });
  }, 90_000);
});
