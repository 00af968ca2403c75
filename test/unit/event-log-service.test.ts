import { describe, expect, it } from 'vitest';
import { EventLogService } from '../../lambdas/core/log/event-log-service';
import { aDeliveryRecord, anEvent } from '../helpers/factories';
import { MemoryLogStores } from '../helpers/memory-log-stores';

const NOW = new Date('2026-01-10T00:00:00.000Z');
const [W1, W2, W3] = [
  'webhook_01JD0000000000000000000001',
  'webhook_01JD0000000000000000000002',
  'webhook_01JD0000000000000000000003',
];

function setup() {
  const stores = new MemoryLogStores();
  const service = new EventLogService({ deliveries: stores, events: stores.events, retentionDays: 30, now: () => NOW });
  return { stores, service };
}

describe('Class: EventLogService', () => {
  describe('Method: list', () => {
    it(
      "lists the tenant's events newest first with their deliveries counted by status; not yet attempted is " +
        'pending',
      async () => {
        // Prepare
        const { stores, service } = setup();
        stores.storedEvents.push(
          anEvent({ eventId: 'evt_old', receivedAt: '2026-01-01T00:00:00.000Z', webhookIds: [W1, W2, W3] }),
          anEvent({
            eventId: 'evt_new',
            receivedAt: '2026-01-02T00:00:00.000Z',
            type: 'document.uploaded',
            webhookIds: [],
          }),
          anEvent({ tenantId: 'other', eventId: 'evt_theirs' }),
        );
        stores.records.push(
          aDeliveryRecord({ webhookId: W1, eventId: 'evt_old', status: 'delivered' }),
          aDeliveryRecord({ webhookId: W2, eventId: 'evt_old', status: 'failed' }),
        );

        // Act
        const page = await service.list('acme', {});

        // Assess
        expect(page).toEqual({
          data: [
            {
              id: 'evt_new',
              type: 'document.uploaded',
              receivedAt: '2026-01-02T00:00:00.000Z',
              deliveryCounts: { pending: 0, delivered: 0, failed: 0, skipped: 0 },
            },
            {
              id: 'evt_old',
              type: 'verification.completed',
              receivedAt: '2026-01-01T00:00:00.000Z',
              deliveryCounts: { pending: 1, delivered: 1, failed: 1, skipped: 0 },
            },
          ],
          hasMore: false,
          nextCursor: null,
        });
      },
    );

    it('filters by type and pages with the cursor', async () => {
      const { stores, service } = setup();
      for (const day of [1, 2, 3, 4]) {
        stores.storedEvents.push(
          anEvent({
            eventId: `evt_${day}`,
            receivedAt: `2026-01-0${day}T00:00:00.000Z`,
            type: day === 2 ? 'document.uploaded' : 'verification.completed',
          }),
        );
      }

      const first = await service.list('acme', { type: 'verification.completed', limit: '2' });
      const second = await service.list('acme', {
        type: 'verification.completed',
        limit: '2',
        cursor: first.nextCursor!,
      });

      expect(first.data.map((event) => event.id)).toEqual(['evt_4', 'evt_3']);
      expect(second).toMatchObject({ data: [{ id: 'evt_1' }], hasMore: false });
    });

    it('refuses since after until and a tampered cursor', async () => {
      const { service } = setup();
      await expect(
        service.list('acme', { since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' }),
      ).rejects.toMatchObject({
        code: 'validation_error',
        details: [{ path: 'since', message: 'must not be after until' }],
      });
      const tampered = Buffer.from(JSON.stringify({ after: '2026-01-01T00:00:00.000Z#evt_1"}' })).toString('base64url');
      await expect(service.list('acme', { cursor: tampered })).rejects.toMatchObject({
        code: 'validation_error',
        details: [{ path: 'cursor' }],
      });
    });
  });

  describe('Method: get', () => {
    it('returns the data exactly as delivered: integers past 2^53, decimals as written, __proto__ keys', async () => {
      const { stores, service } = setup();
      const data = '{"big":12345678901234567890,"price":1.50,"__proto__":{"x":1},"nested":[-9007199254740993]}';
      stores.storedEvents.push({
        ...anEvent({ webhookIds: [W1, W2] }),
        payload: `{"id":"evt_1","type":"verification.completed","data":${data}}`,
      });
      stores.records.push(
        aDeliveryRecord({
          webhookId: W1,
          status: 'failed',
          attempts: [{ at: '2026-01-01T00:00:01.000Z', durationMs: 1, statusCode: 500 }],
        }),
      );

      const event = await service.get('acme', 'evt_1');

      expect(JSON.stringify(event.data)).toBe(data);
      expect(event).toMatchObject({
        id: 'evt_1',
        type: 'verification.completed',
        receivedAt: '2026-01-01T00:00:00.000Z',
        deliveries: [
          { webhookId: W1, status: 'failed', attemptCount: 1 },
          { webhookId: W2, status: 'pending', attemptCount: 0 },
        ],
      });
    });

    it("answers 404 for another tenant's event, an unknown id, and an expired event", async () => {
      const { stores, service } = setup();
      stores.storedEvents.push(
        anEvent({ tenantId: 'other' }),
        anEvent({ eventId: 'evt_expired', expiresAt: NOW.getTime() / 1000 }),
      );

      await expect(service.get('acme', 'evt_1')).rejects.toMatchObject({ code: 'not_found' });
      await expect(service.get('acme', '../evt_1')).rejects.toMatchObject({ code: 'not_found' });
      await expect(service.get('acme', 'evt_expired')).rejects.toMatchObject({
        code: 'not_found',
        message: expect.stringContaining('retention'),
      });
    });
  });
});
