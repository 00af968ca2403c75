import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventCatalog } from '../../lambdas/core/events/event-catalog';
import { startReceiver, type Receiver } from '../../local/receiver';
import { aDeliveryRecord, anEvent } from '../helpers/factories';
import { seedLog } from '../helpers/log-seed';
import { producer, sleep, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

// two attempts one second apart, and a breaker that never opens: a failing receiver exhausts its deliveries fast
let platform: TestPlatform;
let tenant: { tenantId: string; key: string };
const receivers: Receiver[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({ BREAKER_FAILURE_THRESHOLD: '1000' }, { retryScheduleSeconds: [1] });
  tenant = await platform.newTenant('actions');
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
  await platform.stop();
});

async function webhookAt(behaviour: Receiver['behaviour'], events = ['verification.completed', 'document.uploaded']) {
  const receiver = await startReceiver({ behaviour });
  receivers.push(receiver);
  const { body } = await platform.request('POST', '/v2/webhooks', {
    key: tenant.key,
    body: { url: `${receiver.url}/hooks`, events },
  });
  receiver.secrets.push(body.secret);
  return { receiver, webhookId: body.id as string };
}

const delivery = async (webhookId: string, eventId: string) =>
  (await platform.request('GET', `/v2/webhooks/${webhookId}/deliveries/${eventId}`, { key: tenant.key })).body;

describe('POST /v2/webhooks/{id}/deliveries/{eventId}/retry', () => {
  it('sends a given-up delivery once more after the receiver is fixed, logged as a manual attempt', async () => {
    // Prepare: the receiver fails until fixed; the delivery exhausts its two attempts
    let fixed = false;
    const { receiver, webhookId } = await webhookAt({
      decide: () => (fixed ? { status: 200, body: 'fixed' } : { status: 503, body: 'down' }),
    });
    const eventId = `evt_retry_${Date.now()}`;
    await producer(platform).publish({
      tenantId: tenant.tenantId,
      id: eventId,
      type: 'verification.completed',
      data: { verificationId: 'ver_1' },
    });
    await waitFor(async () => (await delivery(webhookId, eventId))?.status === 'failed', {
      timeoutMs: 30_000,
      what: 'the delivery to be given up',
    });
    fixed = true;

    // Act
    const response = await platform.request('POST', `/v2/webhooks/${webhookId}/deliveries/${eventId}/retry`, {
      key: tenant.key,
    });
    const delivered = await waitFor(
      async () => {
        const current = await delivery(webhookId, eventId);
        return current.status === 'delivered' && current;
      },
      { timeoutMs: 20_000, what: 'the manual attempt' },
    );

    // Assess
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ eventId, queuedAt: expect.any(String) });
    expect(
      delivered.attempts.map(({ trigger, statusCode }: { trigger: string; statusCode: number }) => [
        trigger,
        statusCode,
      ]),
    ).toEqual([
      ['scheduled', 503],
      ['scheduled', 503],
      ['manual', 200],
    ]);
    const answered = receiver.deliveries
      .filter((received) => received.eventId === eventId)
      .map((received) => received.answeredStatus);
    expect(answered).toEqual([503, 503, 200]);
    expect(receiver.deliveries.at(-1)).toMatchObject({
      standardVerified: true,
      githubVerified: true,
      body: delivered.payload,
    });
  }, 60_000);

  it('answers 404 for an unknown delivery, and says so when the event is past its retention', async () => {
    // Prepare: an expired event with a delivery record (TTL deletion lags), and an event never sent to this webhook
    const { webhookId } = await webhookAt({});
    const receivedAt = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const expired = anEvent({
      tenantId: tenant.tenantId,
      eventId: 'evt_expired_1',
      receivedAt,
      expiresAt: Math.floor(Date.now() / 1000) - 60,
      webhookIds: [webhookId],
    });
    const elsewhere = anEvent({
      tenantId: tenant.tenantId,
      eventId: 'evt_elsewhere_1',
      receivedAt: new Date().toISOString(),
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
      webhookIds: [],
    });
    await seedLog(platform, {
      events: [expired, elsewhere],
      deliveries: [
        aDeliveryRecord({
          tenantId: tenant.tenantId,
          webhookId,
          eventId: expired.eventId,
          status: 'failed',
          createdAt: receivedAt,
          updatedAt: receivedAt,
        }),
      ],
    });

    // Act
    const retry = (eventId: string) =>
      platform.request('POST', `/v2/webhooks/${webhookId}/deliveries/${eventId}/retry`, { key: tenant.key });
    const [past, notDelivered, unknown] = [
      await retry(expired.eventId),
      await retry(elsewhere.eventId),
      await retry('evt_never'),
    ];

    // Assess
    expect(past.status).toBe(404);
    expect(past.body.error.message).toMatch(/past the 30-day retention/);
    expect(notDelivered.status).toBe(404);
    expect(notDelivered.body.error.message).toBe('Event evt_elsewhere_1 was not delivered to this webhook');
    expect(unknown.status).toBe(404);
  });
});

describe('POST /v2/webhooks/{id}/test', () => {
  it('sends the catalog example to that webhook only, signed, marked test, and logged like any event', async () => {
    // Prepare: two webhooks subscribed to the same type
    const target = await webhookAt({}, ['document.uploaded', 'verification.completed']);
    const sibling = await webhookAt({}, ['document.uploaded', 'verification.completed']);

    // Act
    const response = await platform.request('POST', `/v2/webhooks/${target.webhookId}/test`, {
      key: tenant.key,
      body: {},
    });
    const eventId = response.body.eventId as string;
    const received = await waitFor(
      () => target.receiver.deliveries.find((delivered) => delivered.eventId === eventId),
      { what: 'the test event' },
    );
    const logged = await waitFor(
      async () => {
        const current = await delivery(target.webhookId, eventId);
        return current?.status === 'delivered' && current;
      },
      { what: 'the test delivery to be logged' },
    );
    await sleep(500);

    // Assess: the receiver
    expect(response.status).toBe(202);
    expect(eventId).toMatch(/^evt_[0-9A-Z]{26}$/);
    expect(received).toMatchObject({
      standardVerified: true,
      githubVerified: true,
      eventType: 'document.uploaded',
      webhookId: eventId,
    });
    expect(JSON.parse(received.body)).toEqual({
      id: eventId,
      type: 'document.uploaded',
      test: true,
      data: createEventCatalog().example('document.uploaded'),
    });
    expect(sibling.receiver.deliveries).toEqual([]);
    // Assess: the delivery log and the audit trail
    expect(logged.payload).toBe(received.body);
    const event = await platform.request('GET', `/v2/events/${eventId}`, { key: tenant.key });
    expect(event.body).toMatchObject({
      id: eventId,
      type: 'document.uploaded',
      deliveries: [{ webhookId: target.webhookId, status: 'delivered', attemptCount: 1 }],
    });
    const events = await platform.request('GET', '/v2/events?type=document.uploaded', { key: tenant.key });
    expect(events.body.data.map((listed: { id: string }) => listed.id)).toContain(eventId);
  }, 30_000);

  it('sends the type asked for, and refuses one outside the catalog', async () => {
    // Prepare
    const { receiver, webhookId } = await webhookAt({}, ['verification.completed']);

    // Act
    const chosen = await platform.request('POST', `/v2/webhooks/${webhookId}/test`, {
      key: tenant.key,
      body: { eventType: 'verification.failed' },
    });
    const unknown = await platform.request('POST', `/v2/webhooks/${webhookId}/test`, {
      key: tenant.key,
      body: { eventType: 'verification.exploded' },
    });
    const received = await waitFor(
      () => receiver.deliveries.find((delivered) => delivered.eventId === chosen.body.eventId),
      { what: 'the test event' },
    );

    // Assess
    expect(received.eventType).toBe('verification.failed');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({
      code: 'validation_error',
      details: [{ path: 'eventType', message: expect.stringContaining('unknown event type') }],
    });
  });
});

describe('Tenancy and state of the write routes', () => {
  it("answers 404 for another tenant's webhook or event on every route, and queues nothing", async () => {
    // Prepare: this tenant's failed delivery, and another tenant
    const { receiver, webhookId } = await webhookAt({});
    const other = await platform.newTenant('other');
    const eventId = 'evt_tenancy_1';
    const receivedAt = new Date(Date.now() - 60_000).toISOString();
    await seedLog(platform, {
      events: [
        anEvent({
          tenantId: tenant.tenantId,
          eventId,
          receivedAt,
          expiresAt: Math.floor(Date.now() / 1000) + 3600,
          webhookIds: [webhookId],
        }),
      ],
      deliveries: [
        aDeliveryRecord({
          tenantId: tenant.tenantId,
          webhookId,
          eventId,
          status: 'failed',
          createdAt: receivedAt,
          updatedAt: receivedAt,
        }),
      ],
    });
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const { body: othersWebhook } = await platform.request('POST', '/v2/webhooks', {
      key: other.key,
      body: { url: `${receiver.url}/other`, events: ['verification.completed'] },
    });

    // Act
    const responses = [
      // the other tenant's own webhook, with this tenant's event
      await platform.request('POST', `/v2/webhooks/${othersWebhook.id}/deliveries/${eventId}/retry`, {
        key: other.key,
      }),
      await platform.request('POST', `/v2/webhooks/${webhookId}/deliveries/${eventId}/retry`, { key: other.key }),
      await platform.request('POST', `/v2/webhooks/${webhookId}/test`, { key: other.key, body: {} }),
      await platform.request('POST', `/v2/webhooks/${webhookId}/recover`, { key: other.key, body: { since } }),
    ];
    await sleep(2000);

    // Assess
    expect(responses.map((response) => [response.status, response.body.error.code])).toEqual([
      [404, 'not_found'],
      [404, 'not_found'],
      [404, 'not_found'],
      [404, 'not_found'],
    ]);
    expect(receiver.deliveries).toEqual([]);
    expect((await delivery(webhookId, eventId)).attempts).toHaveLength(1);
  });

  it('answers 409 webhook_inactive for a paused webhook, and checks the recovery window', async () => {
    // Prepare
    const { webhookId } = await webhookAt({});
    const now = Date.now();
    const at = (msAgo: number) => new Date(now - msAgo).toISOString();

    // Act
    const badWindows = [
      await platform.request('POST', `/v2/webhooks/${webhookId}/recover`, {
        key: tenant.key,
        body: { since: at(0), until: at(3_600_000) },
      }),
      await platform.request('POST', `/v2/webhooks/${webhookId}/recover`, {
        key: tenant.key,
        body: { since: at(15 * 86_400_000) },
      }),
      await platform.request('POST', `/v2/webhooks/${webhookId}/recover`, {
        key: tenant.key,
        body: { since: 'yesterday' },
      }),
      await platform.request('POST', `/v2/webhooks/${webhookId}/recover`, {
        key: tenant.key,
        body: { since: at(60_000), extra: 1 },
      }),
    ];
    await platform.request('PUT', `/v2/webhooks/${webhookId}`, { key: tenant.key, body: { active: false } });
    const paused = [
      await platform.request('POST', `/v2/webhooks/${webhookId}/deliveries/evt_any/retry`, { key: tenant.key }),
      await platform.request('POST', `/v2/webhooks/${webhookId}/test`, { key: tenant.key, body: {} }),
      await platform.request('POST', `/v2/webhooks/${webhookId}/recover`, {
        key: tenant.key,
        body: { since: at(60_000) },
      }),
    ];

    // Assess
    expect(
      badWindows.map((response) => [response.status, response.body.error.code, response.body.error.details[0].path]),
    ).toEqual([
      [400, 'validation_error', 'since'],
      [400, 'validation_error', 'since'],
      [400, 'validation_error', 'since'],
      [400, 'validation_error', 'extra'],
    ]);
    expect(paused.map((response) => [response.status, response.body.error.code])).toEqual([
      [409, 'webhook_inactive'],
      [409, 'webhook_inactive'],
      [409, 'webhook_inactive'],
    ]);
  });
});
