import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../local/receiver';
import { producer, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

// compressed schedule: 3 attempts, 1 s apart; the queues keep their deployed visibility timeout, so a slow
// batch on a busy machine is not received twice (SQS is at-least-once and the log would show it)
let platform: TestPlatform;
let tenant: { tenantId: string; key: string };
const receivers: Receiver[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({}, { retryScheduleSeconds: [1, 1] });
  tenant = await platform.newTenant('pipeline-log');
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
  await platform.stop();
});

async function webhookAt(behaviour: Receiver['behaviour']) {
  const receiver = await startReceiver({ behaviour });
  receivers.push(receiver);
  const { body } = await platform.request('POST', '/v2/webhooks', {
    key: tenant.key,
    body: { url: `${receiver.url}/hooks`, events: ['verification.completed'] },
  });
  return { receiver, webhookId: body.id as string };
}

describe('The delivery log of events that went through the pipeline', () => {
  it('shows each attempt of a failing-then-recovering receiver, the exact payload, and the event with where it ' +
    'went', async () => {
    // Prepare: one receiver fails twice with a 503 and a body, then accepts; a sibling accepts at once
    let calls = 0;
    const flaky = await webhookAt({
      decide: () => (++calls <= 2 ? { status: 503, body: 'down for maintenance' } : { status: 200, body: 'thanks' }),
    });
    const steady = await webhookAt({});
    const eventId = `evt_pipeline_${Date.now()}`;
    const data = '{"verificationId":"ver_1","count":12345678901234567890}';

    // Act
    await producer(platform).publish(
      `{"tenantId":"${tenant.tenantId}","id":"${eventId}","type":"verification.completed","data":${data}}`,
    );
    const delivered = await waitFor(
      async () => {
        const { body } = await platform.request('GET', `/v2/webhooks/${flaky.webhookId}/deliveries/${eventId}`, {
          key: tenant.key,
        });
        return body?.status === 'delivered' && body;
      },
      { timeoutMs: 40_000, what: 'the flaky receiver to get the event' },
    );

    // Assess: the log
    expect(delivered.attempts).toEqual([
      {
        at: expect.any(String),
        trigger: 'scheduled',
        statusCode: 503,
        durationMs: expect.any(Number),
        response: 'down for maintenance',
      },
      {
        at: expect.any(String),
        trigger: 'scheduled',
        statusCode: 503,
        durationMs: expect.any(Number),
        response: 'down for maintenance',
      },
      {
        at: expect.any(String),
        trigger: 'scheduled',
        statusCode: 200,
        durationMs: expect.any(Number),
        response: 'thanks',
      },
    ]);
    expect(delivered.payload).toBe(flaky.receiver.deliveries.at(-1)!.body);
    const list = await platform.request('GET', `/v2/webhooks/${flaky.webhookId}/deliveries?status=delivered`, {
      key: tenant.key,
    });
    expect(list.body.data).toEqual([
      expect.objectContaining({
        eventId,
        attemptCount: 3,
        lastAttempt: expect.objectContaining({ statusCode: 200, error: null }),
      }),
    ]);

    // Assess: the audit trail
    // the steady receiver's delivery is logged by its own batch, perhaps a moment later
    const events = await waitFor(
      async () => {
        // the platform's own operational events (delivery.recovered) are in the tenant's trail too
        const response = await platform.request('GET', '/v2/events?type=verification.completed', { key: tenant.key });
        return response.body.data?.[0]?.deliveryCounts.delivered === 2 && response;
      },
      { timeoutMs: 10_000, what: 'both deliveries to be logged' },
    );
    expect(events.body.data).toEqual([
      {
        id: eventId,
        type: 'verification.completed',
        receivedAt: delivered.createdAt,
        deliveryCounts: { pending: 0, delivered: 2, failed: 0, skipped: 0 },
      },
    ]);
    const detail = await fetch(`${platform.apiUrl}/v2/events/${eventId}`, {
      headers: { authorization: `Bearer ${tenant.key}` },
    });
    const text = await detail.text();
    expect(text).toContain(`"data":${data}`);
    expect(JSON.parse(text).deliveries).toEqual(
      expect.arrayContaining([
        { webhookId: flaky.webhookId, status: 'delivered', attemptCount: 3 },
        { webhookId: steady.webhookId, status: 'delivered', attemptCount: 1 },
      ]),
    );
  }, 60_000);
});
