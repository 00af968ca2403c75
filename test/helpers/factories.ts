import type { DeliveryTask } from '../../lambdas/core/delivery';
import type { Webhook } from '../../lambdas/core/webhook';

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
    payload: '{"id":"evt_1","type":"verification.completed","data":{}}',
    ...overrides,
  };
}
