import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../lambdas/adapters/table-keys';
import { signedRequest } from '../helpers/admin-requests';
import { UNVERIFIED_DELIVERY_REASON } from '../../lambdas/core/webhooks/endpoint-verification';
import { deliveryRecord, waitFor } from '../helpers/pipeline';
import { pipelineSuite } from '../helpers/pipeline-suite';
import { seedLog } from '../helpers/log-seed';

/**
 * A tenant's own retryScheduleSeconds and eventRetentionDays (docs/design.md §16), set by the team's backend through
 * the signed admin API, on the local stack (DynamoDB Local, fauxqs) with real receivers: they bind that tenant's
 * deliveries from the next event, in every lane, and leave every other tenant on the deployment's (the default
 * schedule, 5 s then 5 min…, and 30 days).
 */
const suite = pipelineSuite();
const DAY_SECONDS = 86_400;

async function tenantWith(settings: Record<string, unknown> | undefined) {
  const tenant = await suite.platform.newTenant(settings ? 'own' : 'plain');
  if (settings) {
    const put = await signedRequest(suite.platform.apiUrl, 'PUT', `/admin/tenants/${tenant.tenantId}`, {
      body: { settings },
    });
    expect(put.status).toBe(201);
    expect(put.body.settings).toEqual(settings);
  }
  return tenant;
}

/** `bystander`: answers 200 to every request and consents to no verification challenge. */
async function webhookOf(key: string, answer: 'ok' | 'fails' | 'bystander', extra: Record<string, unknown> = {}) {
  const behaviour = { ok: {}, fails: { decide: () => ({ status: 500 }) }, bystander: { answers: 'none' as const } };
  const receiver = await suite.receiver({ behaviour: behaviour[answer] });
  const { body: webhook } = await suite.platform.request('POST', '/v2/webhooks', {
    key,
    body: { url: `${receiver.url}/hooks`, events: ['verification.completed'], ...extra },
  });
  receiver.secrets.push(webhook.secret);
  return { receiver, webhook };
}

const anEvent = (tenantId: string) => ({
  tenantId,
  id: `evt_${randomUUID().replaceAll('-', '')}`,
  type: 'verification.completed',
  data: { verificationId: 'ver_1' },
});

describe("A tenant's own retry schedule", () => {
  it('exhausts deliveries after its schedule, normal and ordered lane; another tenant keeps the default', async () => {
    // Prepare
    const own = await tenantWith({ retryScheduleSeconds: [1, 1] });
    const plain = await tenantWith(undefined);
    const ownFailing = await webhookOf(own.key, 'fails');
    const ownOrdered = await webhookOf(own.key, 'fails', { ordering: 'fifo' });
    const plainFailing = await webhookOf(plain.key, 'fails');
    const ownEvent = anEvent(own.tenantId);
    const plainEvent = anEvent(plain.tenantId);

    // Act
    await suite.sqs.publish(ownEvent);
    await suite.sqs.publish(plainEvent);

    // Assess: the other tenant's first failure waits the deployment's 5 s (±20 %) for its next attempt
    const plainPending = await waitFor(
      async () => {
        const record = await deliveryRecord(suite.platform, plainFailing.webhook.id, plainEvent.id);
        return record?.status === 'pending' && record.attempts.length === 1 && record;
      },
      { what: "the other tenant's first failed attempt" },
    );
    const wait = Date.parse(plainPending.nextAttemptAt) - Date.parse(plainPending.attempts[0].at);
    expect(wait).toBeGreaterThanOrEqual(4000);
    expect(wait).toBeLessThanOrEqual(6000);
    // the tenant's two 1 s waits: three attempts, then exhausted, in both lanes
    for (const { webhook, receiver } of [ownFailing, ownOrdered]) {
      const record = await waitFor(
        async () => {
          const found = await deliveryRecord(suite.platform, webhook.id, ownEvent.id);
          return found?.status === 'failed' && found;
        },
        { timeoutMs: 20_000, what: `the exhausted delivery of ${webhook.ordering ?? 'a normal'} webhook` },
      );
      expect(record.reason).toContain('exhausted: 3 of 3 attempts failed');
      expect(record.attempts).toHaveLength(3);
      expect(record.nextAttemptAt).toBeUndefined();
      expect(receiver.deliveries).toHaveLength(3);
      const gaps = receiver.deliveries.slice(1).map((delivery, index) => {
        return delivery.receivedAt - receiver.deliveries[index]!.receivedAt;
      });
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(700);
    }
    // meanwhile the other tenant is still on its schedule: not exhausted, at most its second attempt made
    const plainNow = await deliveryRecord(suite.platform, plainFailing.webhook.id, plainEvent.id);
    expect(plainNow!.status).toBe('pending');
    expect(plainFailing.receiver.deliveries.length).toBeLessThanOrEqual(2);
  });

  it('binds from the next event after the answer: a schedule removed again puts the next on the default', async () => {
    // Prepare
    const tenant = await tenantWith({ retryScheduleSeconds: [1, 1] });
    const failing = await webhookOf(tenant.key, 'fails');
    const put = await signedRequest(suite.platform.apiUrl, 'PUT', `/admin/tenants/${tenant.tenantId}`, {
      body: { settings: {} },
    });
    expect(put.status).toBe(200);
    const event = anEvent(tenant.tenantId);

    // Act
    await suite.sqs.publish(event);

    // Assess
    const record = await waitFor(
      async () => {
        const found = await deliveryRecord(suite.platform, failing.webhook.id, event.id);
        return found?.status === 'pending' && found.attempts.length === 1 && found;
      },
      { what: 'the first failed attempt' },
    );
    expect(Date.parse(record.nextAttemptAt) - Date.parse(record.attempts[0].at)).toBeGreaterThanOrEqual(4000);
  });
});

describe("A tenant's own retention", () => {
  it('sets the expiry of its events and delivery records, and starts its log window there', async () => {
    // Prepare
    const own = await tenantWith({ eventRetentionDays: 7 });
    const plain = await tenantWith(undefined);
    const ownWebhook = await webhookOf(own.key, 'ok');
    const plainWebhook = await webhookOf(plain.key, 'ok');
    const ownEvent = anEvent(own.tenantId);
    const plainEvent = anEvent(plain.tenantId);
    const publishedAt = Math.floor(Date.now() / 1000);

    // Act
    await suite.sqs.publish(ownEvent);
    await suite.sqs.publish(plainEvent);

    // Assess: the expiry (TTL) of the event and of its delivery record
    const expiries = async (tenantId: string, webhookId: string, eventId: string) => {
      const record = await waitFor(
        async () => {
          const found = await deliveryRecord(suite.platform, webhookId, eventId);
          return found?.status === 'delivered' && found;
        },
        { what: 'the delivered record' },
      );
      const { Item: event } = await suite.platform.documentClient.send(
        new GetCommand({
          TableName: suite.platform.tableName,
          Key: { pk: keys.event(tenantId, eventId), sk: keys.eventSort },
        }),
      );
      return { event: event!.expiresAt - publishedAt, record: record.expiresAt - publishedAt };
    };
    const ownExpiries = await expiries(own.tenantId, ownWebhook.webhook.id, ownEvent.id);
    const plainExpiries = await expiries(plain.tenantId, plainWebhook.webhook.id, plainEvent.id);
    for (const seconds of Object.values(ownExpiries)) {
      expect(seconds).toBeGreaterThanOrEqual(7 * DAY_SECONDS);
      expect(seconds).toBeLessThan(7 * DAY_SECONDS + 60);
    }
    for (const seconds of Object.values(plainExpiries)) {
      expect(seconds).toBeGreaterThanOrEqual(30 * DAY_SECONDS);
      expect(seconds).toBeLessThan(30 * DAY_SECONDS + 60);
    }

    // Assess: a window reaching back 20 days starts at the tenant's 7 days (a 10-day-old delivery is not listed)
    const tenDaysAgo = new Date(Date.now() - 10 * DAY_SECONDS * 1000).toISOString();
    const oldRecord = (tenantId: string, webhookId: string) => ({
      webhookId,
      tenantId,
      eventId: `evt_old_${tenantId.replaceAll('-', '_')}`,
      eventType: 'verification.completed',
      status: 'delivered' as const,
      attempts: [],
      createdAt: tenDaysAgo,
      updatedAt: tenDaysAgo,
    });
    await seedLog(suite.platform, {
      deliveries: [oldRecord(own.tenantId, ownWebhook.webhook.id), oldRecord(plain.tenantId, plainWebhook.webhook.id)],
    });
    const since = new Date(Date.now() - 20 * DAY_SECONDS * 1000).toISOString();
    const listed = async (key: string, webhookId: string) => {
      const response = await suite.platform.request(
        'GET',
        `/v2/webhooks/${webhookId}/deliveries?since=${encodeURIComponent(since)}`,
        { key },
      );
      expect(response.status).toBe(200);
      return response.body.data.map((delivery: { eventId: string }) => delivery.eventId);
    };
    expect(await listed(own.key, ownWebhook.webhook.id)).toEqual([ownEvent.id]);
    expect(await listed(plain.key, plainWebhook.webhook.id)).toEqual([
      plainEvent.id,
      `evt_old_${plain.tenantId.replaceAll('-', '_')}`,
    ]);
  });
});

describe("A tenant's own endpointVerification (this deployment's is off)", () => {
  it('handshake: its webhook gets only the challenge; the other tenant is sent at once', async () => {
    // Prepare: both receivers answer 200 to everything, and neither consents to a challenge
    const own = await tenantWith({ endpointVerification: 'handshake' });
    const plain = await tenantWith(undefined);
    const ownHook = await webhookOf(own.key, 'bystander');
    const plainHook = await webhookOf(plain.key, 'bystander');
    const ownEvent = anEvent(own.tenantId);
    const plainEvent = anEvent(plain.tenantId);

    // Act
    await suite.sqs.publish(ownEvent);
    await suite.sqs.publish(plainEvent);

    // Assess
    expect(ownHook.webhook.verification).toMatchObject({ state: 'pending', attempts: 0 });
    expect(plainHook.webhook.verification).toBeNull();
    await waitFor(() => plainHook.receiver.deliveries.some((delivery) => delivery.eventId === plainEvent.id), {
      what: "the other tenant's event",
    });
    await waitFor(async () => (await deliveryRecord(suite.platform, ownHook.webhook.id, ownEvent.id))?.status, {
      what: "the tenant's skipped delivery",
    });
    expect(await deliveryRecord(suite.platform, ownHook.webhook.id, ownEvent.id)).toMatchObject({
      status: 'skipped',
      reason: UNVERIFIED_DELIVERY_REASON,
    });
    await waitFor(() => ownHook.receiver.deliveries.length > 0, { what: 'the first challenge' });
    // the OPTIONS handshake first, then (5 s on) the signed POST challenge: nothing else
    const received = ownHook.receiver.deliveries.map((request) => request.eventType);
    expect(received[0]).toBe('');
    expect(received.every((type) => type === '' || type === 'webhook.verification')).toBe(true);
    const verify = (key: string, id: string) => suite.platform.request('POST', `/v2/webhooks/${id}/verify`, { key });
    expect((await verify(own.key, ownHook.webhook.id)).status).toBe(429);
    const refused = await verify(plain.key, plainHook.webhook.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('verification_off');
  });

  it('an invalid value is a 400 naming the setting, and changes nothing', async () => {
    // Prepare
    const tenant = await tenantWith({ maxWebhooks: 5 });

    // Act
    const put = await signedRequest(suite.platform.apiUrl, 'PUT', `/admin/tenants/${tenant.tenantId}`, {
      body: { settings: { endpointVerification: 'sometimes' } },
    });

    // Assess
    expect(put.status).toBe(400);
    expect(put.body.error.details).toEqual([
      { path: 'settings.endpointVerification', message: 'must be handshake or off' },
    ]);
    const read = await signedRequest(suite.platform.apiUrl, 'GET', `/admin/tenants/${tenant.tenantId}`);
    expect(read.body.settings).toEqual({ maxWebhooks: 5 });
  });
});
