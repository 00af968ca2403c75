import { describe, expect, it } from 'vitest';
import { encodeCursor } from '../../lambdas/core/common/cursor';
import { DeliveryLogService } from '../../lambdas/core/log/delivery-log-service';
import type { Webhook } from '../../lambdas/core/webhooks/webhook';
import { aDeliveryRecord, anEvent, aWebhook } from '../helpers/factories';
import { MemoryLogStores } from '../helpers/memory-log-stores';

const WEBHOOK_ID = 'webhook_01JD0000000000000000000001';
const NOW = new Date('2026-01-10T00:00:00.000Z');

function setup({ webhooks = [aWebhook()], retentionDays = 30 }: { webhooks?: Webhook[]; retentionDays?: number } = {}) {
  const stores = new MemoryLogStores();
  const service = new DeliveryLogService({
    webhooks: {
      get: async (tenantId, id) => webhooks.find((webhook) => webhook.tenantId === tenantId && webhook.id === id),
    },
    deliveries: stores,
    events: stores.events,
    retentionDays,
    now: () => NOW,
  });
  return { stores, service };
}

/** Deliveries of evt_1..evt_n, one a day from 2026-01-01, alternately delivered and failed. */
function seedDays(stores: MemoryLogStores, count: number) {
  for (let day = 1; day <= count; day += 1) {
    const receivedAt = `2026-01-0${day}T00:00:00.000Z`;
    stores.storedEvents.push(anEvent({ eventId: `evt_${day}`, receivedAt }));
    stores.records.push(
      aDeliveryRecord({ eventId: `evt_${day}`, createdAt: receivedAt, status: day % 2 ? 'delivered' : 'failed' }),
    );
  }
}

describe('Class: DeliveryLogService', () => {
  describe('Method: list', () => {
    it('lists newest first and pages with the cursor until the end', async () => {
      // Prepare
      const { stores, service } = setup();
      seedDays(stores, 5);

      // Act
      const first = await service.list('acme', WEBHOOK_ID, { limit: '2' });
      const second = await service.list('acme', WEBHOOK_ID, { limit: '2', cursor: first.nextCursor! });
      const third = await service.list('acme', WEBHOOK_ID, { limit: '2', cursor: second.nextCursor! });

      // Assess
      expect(first.data.map((item) => item.eventId)).toEqual(['evt_5', 'evt_4']);
      expect(second.data.map((item) => item.eventId)).toEqual(['evt_3', 'evt_2']);
      expect(third).toMatchObject({ data: [{ eventId: 'evt_1' }], hasMore: false, nextCursor: null });
    });

    it('shows the last attempt and the attempt count, not the attempts themselves', async () => {
      const { stores, service } = setup();
      stores.records.push(
        aDeliveryRecord({
          status: 'pending',
          attempts: [
            { at: '2026-01-01T00:00:01.000Z', trigger: 'scheduled', statusCode: 500, durationMs: 30, response: 'oops' },
            { at: '2026-01-01T00:00:06.000Z', trigger: 'scheduled', error: 'connect ECONNREFUSED', durationMs: 2 },
          ],
          nextAttemptAt: '2026-01-01T00:05:06.000Z',
        }),
      );

      const { data } = await service.list('acme', WEBHOOK_ID, {});

      expect(data).toEqual([
        {
          eventId: 'evt_1',
          eventType: 'verification.completed',
          status: 'pending',
          attemptCount: 2,
          lastAttempt: {
            at: '2026-01-01T00:00:06.000Z',
            statusCode: null,
            durationMs: 2,
            error: 'connect ECONNREFUSED',
          },
          nextAttemptAt: '2026-01-01T00:05:06.000Z',
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: '2026-01-01T00:00:01.000Z',
        },
      ]);
    });

    it('filters by status and by a since/until window (both inclusive)', async () => {
      const { stores, service } = setup();
      seedDays(stores, 5);

      const failed = await service.list('acme', WEBHOOK_ID, { status: 'failed' });
      const window = await service.list('acme', WEBHOOK_ID, {
        since: '2026-01-02T00:00:00Z',
        until: '2026-01-04T00:00:00.000+00:00',
      });

      expect(failed.data.map((item) => item.eventId)).toEqual(['evt_4', 'evt_2']);
      expect(window.data.map((item) => item.eventId)).toEqual(['evt_4', 'evt_3', 'evt_2']);
    });

    it('clamps a window that starts before the retention to the retention', async () => {
      const { stores, service } = setup({ retentionDays: 7 });
      seedDays(stores, 5); // 2026-01-01..05; now is 01-10, so the retention starts 01-03

      const { data } = await service.list('acme', WEBHOOK_ID, { since: '2025-01-01T00:00:00Z' });

      expect(data.map((item) => item.eventId)).toEqual(['evt_5', 'evt_4', 'evt_3']);
    });

    it.each([
      [{ since: '2026-01-05T00:00:00Z', until: '2026-01-04T00:00:00Z' }, 'since', 'must not be after until'],
      [{ status: 'lost' }, 'status', 'must be one of pending, delivered, failed, skipped'],
      [{ since: 'yesterday' }, 'since', 'must be an ISO-8601 date-time with a time zone, e.g. 2026-01-15T10:30:00Z'],
      [{ limit: '101' }, 'limit', 'must be between 1 and 100'],
      [{ eventType: 'nope' }, 'eventType', expect.stringContaining('unknown event type')],
      [{ cursor: encodeCursor('webhook_01JD0000000000000000000001') }, 'cursor', 'not a cursor this API returned'],
      [{ cursor: 'not-base64-json' }, 'cursor', 'not a cursor this API returned'],
      [{ page: '2' }, 'page', 'unknown field'],
    ])('refuses %j as a validation_error naming %s', async (query, path, message) => {
      const { service } = setup();
      await expect(service.list('acme', WEBHOOK_ID, query)).rejects.toMatchObject({
        code: 'validation_error',
        details: [{ path, message }],
      });
    });

    it("answers 404 for another tenant's webhook, and never shows another tenant's records", async () => {
      const { stores, service } = setup({
        webhooks: [aWebhook(), aWebhook({ tenantId: 'other', id: 'webhook_01JD0000000000000000000002' })],
      });
      stores.records.push(aDeliveryRecord(), aDeliveryRecord({ tenantId: 'other', eventId: 'evt_2' }));

      await expect(service.list('other', WEBHOOK_ID, {})).rejects.toMatchObject({ code: 'not_found' });
      expect((await service.list('acme', WEBHOOK_ID, {})).data.map((item) => item.eventId)).toEqual(['evt_1']);
    });
  });

  describe('Method: get', () => {
    it('returns every attempt with its trigger and the exact payload sent', async () => {
      const { stores, service } = setup();
      stores.storedEvents.push({
        ...anEvent(),
        payload: '{"id":"evt_1","type":"verification.completed","data":{"big":12345678901234567890}}',
      });
      stores.records.push(
        aDeliveryRecord({
          attempts: [
            { at: '2026-01-01T00:00:01.000Z', statusCode: 500, durationMs: 30, response: 'oops' },
            { at: '2026-01-01T00:10:00.000Z', trigger: 'manual', statusCode: 200, durationMs: 8 },
          ],
        }),
      );

      const delivery = await service.get('acme', WEBHOOK_ID, 'evt_1');

      expect(delivery.attempts).toEqual([
        { at: '2026-01-01T00:00:01.000Z', trigger: 'scheduled', statusCode: 500, durationMs: 30, response: 'oops' },
        { at: '2026-01-01T00:10:00.000Z', trigger: 'manual', statusCode: 200, durationMs: 8 },
      ]);
      expect(delivery.payload).toBe(
        '{"id":"evt_1","type":"verification.completed","data":{"big":12345678901234567890}}',
      );
      expect(delivery).toMatchObject({ attemptCount: 2, lastAttempt: { statusCode: 200 }, reason: null });
    });

    it('shows a delivery fan-out queued but not yet attempted as pending', async () => {
      const { stores, service } = setup();
      stores.storedEvents.push(anEvent());

      await expect(service.get('acme', WEBHOOK_ID, 'evt_1')).resolves.toMatchObject({
        status: 'pending',
        attemptCount: 0,
        attempts: [],
        lastAttempt: null,
      });
    });

    it('says the event is past its retention when it has expired, even before TTL removed it', async () => {
      const { stores, service } = setup();
      stores.storedEvents.push(anEvent({ expiresAt: NOW.getTime() / 1000 - 1 }));
      stores.records.push(aDeliveryRecord());

      await expect(service.get('acme', WEBHOOK_ID, 'evt_1')).rejects.toMatchObject({
        code: 'not_found',
        message: expect.stringContaining('past the 30-day retention'),
      });
    });

    it(
      "answers 404 for an event that did not go to this webhook, and for another tenant's event or " + 'webhook',
      async () => {
        const { stores, service } = setup({
          webhooks: [aWebhook(), aWebhook({ tenantId: 'other', id: 'webhook_01JD0000000000000000000002' })],
        });
        stores.storedEvents.push(
          anEvent({ webhookIds: ['webhook_01JD0000000000000000000009'] }),
          anEvent({ tenantId: 'other', eventId: 'evt_2' }),
        );

        await expect(service.get('acme', WEBHOOK_ID, 'evt_1')).rejects.toMatchObject({
          code: 'not_found',
          message: 'Event evt_1 was not delivered to this webhook',
        });
        await expect(service.get('acme', WEBHOOK_ID, 'evt_2')).rejects.toMatchObject({ code: 'not_found' });
        await expect(service.get('other', WEBHOOK_ID, 'evt_1')).rejects.toMatchObject({
          code: 'not_found',
          message: 'Webhook not found',
        });
        await expect(service.get('acme', WEBHOOK_ID, 'evt.with.dots')).rejects.toMatchObject({ code: 'not_found' });
      },
    );
  });
});
