import { describe, expect, it, vi } from 'vitest';
import {
  FanOutService,
  type Claim,
  type FanOutEventLog,
  type FanOutQueues,
} from '../../lambdas/core/events/fan-out-service';
import type { TenantDeliverySettings } from '../../lambdas/core/access/tenants';
import type { Webhook } from '../../lambdas/core/webhooks/webhook';
import { aWebhook } from '../helpers/factories';
import { createEventCatalog } from '../../lambdas/core/events/event-catalog';

const receivedAt = '2026-11-26T10:00:00.000Z';

function setup({
  claims = {} as Record<string, Claim>,
  maxMessageBytes = undefined as number | undefined,
  delivery = {} as Record<string, TenantDeliverySettings>,
} = {}) {
  const ports = {
    claim: vi.fn<FanOutEventLog['claim']>(
      async (events) =>
        new Map(
          events.map(({ messageId }) => [
            messageId,
            claims[messageId] ?? { kind: 'claimed', receivedAt, queuedWebhookIds: [] },
          ]),
        ),
    ),
    webhooksOf: vi
      .fn<(tenantId: string) => Promise<Webhook[]>>()
      .mockResolvedValue([
        aWebhook({ id: 'webhook_a' }),
        aWebhook({ id: 'webhook_b', events: ['document.uploaded', 'verification.completed'] }),
        aWebhook({ id: 'webhook_paused', active: false }),
        aWebhook({ id: 'webhook_other_type', events: ['document.uploaded'] }),
        aWebhook({ id: 'webhook_other_tenant', tenantId: 'globex' }),
      ]),
    queueDeliveries: vi
      .fn<FanOutQueues['queueDeliveries']>()
      .mockResolvedValue({ unsent: new Set(), refused: new Map() }),
    rememberQueued: vi.fn<FanOutEventLog['rememberQueued']>().mockResolvedValue(),
    quarantine: vi.fn<FanOutQueues['quarantine']>().mockResolvedValue(new Set()),
    recordCompleted: vi.fn<FanOutEventLog['recordCompleted']>().mockResolvedValue(new Set()),
  };
  const { claim, rememberQueued, recordCompleted, webhooksOf, queueDeliveries, quarantine } = ports;
  const service = new FanOutService(
    {
      events: { claim, rememberQueued, recordCompleted },
      tenants: {
        of: async (tenantId) => ({ webhooks: await webhooksOf(tenantId), delivery: delivery[tenantId] ?? {} }),
      },
      queues: { queueDeliveries, quarantine },
    },
    createEventCatalog(),
    maxMessageBytes,
  );
  return { ports, service };
}

const envelope = (id = 'evt_1', data: unknown = { verificationId: 'ver_1' }) =>
  JSON.stringify({ tenantId: 'acme', id, type: 'verification.completed', data });
const record = (messageId: string, body: string) => ({ messageId, body });

describe('Class: FanOutService', () => {
  it(
    "queues one delivery per active webhook of the event's tenant subscribed to its type, then records the " + 'event',
    async () => {
      // Prepare
      const { ports, service } = setup();

      // Act
      const report = await service.handleBatch([record('m1', envelope())]);

      // Assess
      expect(report).toEqual({ failedMessageIds: [], duplicates: [], quarantined: [] });
      const queued = ports.queueDeliveries.mock.calls[0]![0];
      expect(queued.map((delivery) => delivery.task.webhookId)).toEqual(['webhook_a', 'webhook_b']);
      expect(queued[0]!.task).toMatchObject({
        eventId: 'evt_1',
        receivedAt,
        payload: '{"id":"evt_1","type":"verification.completed","data":{"verificationId":"ver_1"}}',
      });
      expect(ports.recordCompleted).toHaveBeenCalledWith([
        expect.objectContaining({ fromMessageId: 'm1', receivedAt, webhookIds: ['webhook_a', 'webhook_b'] }),
      ]);
      expect(ports.queueDeliveries.mock.invocationCallOrder[0]).toBeLessThan(
        ports.recordCompleted.mock.invocationCallOrder[0]!,
      );
    },
  );

  it(
    'drops, and reports, an event whose fan-out completed before (a producer duplicate), and a repeat within the ' +
      'batch',
    async () => {
      const { ports, service } = setup({ claims: { m1: { kind: 'completed' } } });
      const report = await service.handleBatch([
        record('m1', envelope('evt_done')),
        record('m2', envelope('evt_new')),
        record('m3', envelope('evt_new')),
      ]);
      expect(report.duplicates.map((duplicate) => duplicate.messageId)).toEqual(['m3', 'm1']);
      expect(report.failedMessageIds).toEqual([]);
      expect(ports.queueDeliveries.mock.calls[0]![0].map((delivery) => delivery.task.eventId)).toEqual([
        'evt_new',
        'evt_new',
      ]);
    },
  );

  it("puts a tenant's schedule and retention into its deliveries and events' completion; none in others'", async () => {
    const { ports, service } = setup({ delivery: { acme: { retryScheduleSeconds: [1, 1], eventRetentionDays: 7 } } });
    ports.webhooksOf.mockImplementation(async (tenantId) => [aWebhook({ id: `webhook_${tenantId}`, tenantId })]);
    const other = JSON.stringify({ tenantId: 'globex', id: 'evt_2', type: 'verification.completed', data: {} });

    await service.handleBatch([record('m1', envelope('evt_1')), record('m2', other)]);

    const [acme, globex] = ports.queueDeliveries.mock.calls[0]![0];
    expect(acme!.task).toMatchObject({ tenantId: 'acme', retrySchedule: [1, 1], retentionDays: 7 });
    expect(JSON.parse(acme!.body)).toMatchObject({ retrySchedule: [1, 1], retentionDays: 7 });
    expect(globex!.task.tenantId).toBe('globex');
    expect(globex!.body).not.toMatch(/retrySchedule|retentionDays/);
    const completed = ports.recordCompleted.mock.calls[0]![0];
    expect(completed.find((event) => event.fromMessageId === 'm1')).toMatchObject({ retentionDays: 7 });
    expect(completed.find((event) => event.fromMessageId === 'm2')).not.toHaveProperty('retentionDays');
  });

  it('retries, never drops, an event another message is fanning out right now', async () => {
    const { ports, service } = setup({ claims: { m1: { kind: 'busy' } } });
    const report = await service.handleBatch([record('m1', envelope('evt_1'))]);
    expect(report).toMatchObject({ failedMessageIds: ['m1'], duplicates: [] });
    expect(ports.queueDeliveries).toHaveBeenCalledWith([]);
  });

  it('quarantines an event the table can never store', async () => {
    const { service } = setup({
      claims: { m1: { kind: 'invalid', reason: 'Item size has exceeded the maximum allowed size' } },
    });
    const report = await service.handleBatch([record('m1', envelope('evt_1'))]);
    expect(report.quarantined).toEqual([
      expect.objectContaining({ fromMessageId: 'm1', reason: expect.stringMatching(/^invalid_event: Item size/) }),
    ]);
    expect(report.failedMessageIds).toEqual([]);
  });

  it(
    'does not record an event whose deliveries the queue did not all take, so any later message fans it out ' + 'again',
    async () => {
      const { ports, service } = setup();
      ports.queueDeliveries.mockImplementation(async (deliveries) => ({
        unsent: new Set(
          deliveries.filter((delivery) => delivery.fromMessageId === 'm1' && delivery.task.webhookId === 'webhook_b'),
        ),
        refused: new Map(),
      }));
      const report = await service.handleBatch([record('m1', envelope('evt_1')), record('m2', envelope('evt_2'))]);
      expect(report.failedMessageIds).toEqual(['m1']);
      expect(ports.recordCompleted.mock.calls[0]![0].map((event) => event.fromMessageId)).toEqual(['m2']);
      // the half that was queued is remembered, so the retry does not send it again
      expect(ports.rememberQueued).toHaveBeenCalledWith([
        { event: expect.objectContaining({ id: 'evt_1' }), webhookIds: ['webhook_a'] },
      ]);
    },
  );

  it(
    'sends, on a retry, only the deliveries an earlier try did not queue, and records the event with all of ' + 'them',
    async () => {
      const { ports, service } = setup({
        claims: { m1: { kind: 'claimed', receivedAt, queuedWebhookIds: ['webhook_a'] } },
      });
      await service.handleBatch([record('m1', envelope('evt_1'))]);
      expect(ports.queueDeliveries.mock.calls[0]![0].map((delivery) => delivery.task.webhookId)).toEqual(['webhook_b']);
      expect(ports.recordCompleted).toHaveBeenCalledWith([
        expect.objectContaining({ webhookIds: ['webhook_a', 'webhook_b'] }),
      ]);
    },
  );

  it('quarantines poison with its reason and reads nothing for it, while its batch-mates go through', async () => {
    const { ports, service } = setup();
    const report = await service.handleBatch([
      record('m1', '{"tenantId":"acme","type":"nope","data":{}}'),
      record('m2', envelope()),
    ]);
    expect(report.quarantined).toEqual([
      { fromMessageId: 'm1', body: expect.any(String), reason: expect.stringContaining('type') },
    ]);
    expect(ports.quarantine).toHaveBeenCalledWith(report.quarantined);
    expect(ports.claim).toHaveBeenCalledWith([
      expect.objectContaining({ messageId: 'm2', event: expect.objectContaining({ id: 'evt_1' }) }),
    ]);
    expect(report.failedMessageIds).toEqual([]);
  });

  it('quarantines an event whose delivery message could never fit in SQS, and sends none of it', async () => {
    const { ports, service } = setup({ maxMessageBytes: 4096 });
    // each quote takes 2 bytes in the payload and 4 in the task body, which embeds the payload as a string
    const report = await service.handleBatch([record('m1', envelope('evt_big', { quotes: '"'.repeat(1024) }))]);
    expect(report.quarantined[0]?.reason).toMatch(/^too_large: a delivery message would be \d+ bytes/);
    // refused before its claim: nothing of it is stored, so it does not show as an unfinished event
    expect(ports.claim).toHaveBeenCalledWith([]);
    expect(ports.queueDeliveries).toHaveBeenCalledWith([]);
  });

  it('quarantines an event a queue refused for good, and retries the records whose quarantine failed', async () => {
    const { ports, service } = setup();
    ports.queueDeliveries.mockResolvedValue({
      unsent: new Set(),
      refused: new Map([['m1', 'InvalidMessageContents']]),
    });
    ports.quarantine.mockResolvedValue(new Set(['m1']));
    const report = await service.handleBatch([record('m1', envelope())]);
    expect(report.quarantined[0]).toMatchObject({ fromMessageId: 'm1', reason: 'refused: InvalidMessageContents' });
    expect(report.failedMessageIds).toEqual(['m1']);
    expect(ports.recordCompleted).toHaveBeenCalledWith([]);
  });
});
