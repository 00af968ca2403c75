import type { DeliveryTask } from '../../lambdas/core/delivery/delivery';
import type { DeliveryRecord } from '../../lambdas/core/log/delivery-log';
import type { StoredEvent } from '../../lambdas/core/events/stored-event';
import type { Webhook } from '../../lambdas/core/webhooks/webhook';

export const TEST_SECRET = `whsec_${Buffer.alloc(24, 5).toString('base64')}`;

export function aWebhook(overrides: Partial<Webhook> = {}): Webhook {
  return {
    tenantId: 'acme',
    id: 'webhook_01JD0000000000000000000001',
    url: 'https://example.com/hooks',
    events: ['verification.completed'],
    secret: TEST_SECRET,
    active: true,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function aTask(overrides: Partial<DeliveryTask> = {}): DeliveryTask {
  return {
    tenantId: 'acme',
    webhookId: 'webhook_01JD0000000000000000000001',
    eventId: 'evt_1',
    eventType: 'verification.completed',
    receivedAt: '2026-01-01T00:00:00.000Z',
    payload: '{"id":"evt_1","type":"verification.completed","data":{}}',
    ...overrides,
  };
}

/** A stored event as fan-out records it; `payload` is built from `data` unless given. */
export function anEvent(overrides: Partial<StoredEvent> & { data?: Record<string, unknown> } = {}): StoredEvent {
  const { data = { verificationId: 'ver_1' }, ...rest } = overrides;
  const event = {
    tenantId: 'acme',
    eventId: 'evt_1',
    type: 'verification.completed' as const,
    receivedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: Date.parse('2026-01-31T00:00:00.000Z') / 1000,
    webhookIds: ['webhook_01JD0000000000000000000001'],
    ...rest,
  };
  return { payload: JSON.stringify({ id: event.eventId, type: event.type, data }), ...event };
}

/** A delivery log record; its createdAt is the event's receivedAt. */
export function aDeliveryRecord(overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    tenantId: 'acme',
    webhookId: 'webhook_01JD0000000000000000000001',
    eventId: 'evt_1',
    eventType: 'verification.completed',
    status: 'delivered',
    attempts: [
      { at: '2026-01-01T00:00:01.000Z', trigger: 'scheduled', statusCode: 200, durationMs: 12, response: 'ok' },
    ],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:01.000Z',
    ...overrides,
  };
}
