import { describe, expect, it } from 'vitest';
import { ERASED_EVENT_REASON } from '../../lambdas/core/events/event-erasure';
import { ADMIN_ENVIRONMENT, backendOf, refusal } from '../helpers/erasure';
import { deliveryRecord, waitFor } from '../helpers/pipeline';
import { usePlatform } from '../helpers/platform-fixture';

/**
 * Erasure of one event (docs/design.md §16) on the local stack, through the generated admin client: a delivered
 * event keeps that it existed and where it went, without its payload; a queued delivery of an erased event is
 * never sent, and its log says why.
 */
const local = usePlatform(ADMIN_ENVIRONMENT, { retryScheduleSeconds: [1, 1, 1, 1, 1, 1, 1, 1] });

async function tenantAt(status: number) {
  const backend = backendOf(local.platform);
  const tenantId = `events-${status}-${Date.now()}`;
  const receiver = await local.receiver({ status, failRate: status === 200 ? 0 : 1 });
  const { data: webhook } = await backend.createWebhook(tenantId, {
    url: `${receiver.url}/hooks`,
    events: ['document.uploaded'],
  });
  receiver.secrets.push(webhook.secret!);
  const publish = (id: string) =>
    local.sqs.publish({ tenantId, id, type: 'document.uploaded', data: { secretPart: `payload of ${id}` } });
  return { backend, tenantId, receiver, webhook, publish };
}

describe('DELETE /admin/tenants/{tenantId}/events/{eventId}', () => {
  it("erases a delivered event's payload from it and its record, keeping when, its type, where it went", async () => {
    // Prepare
    const { backend, tenantId, receiver, webhook, publish } = await tenantAt(200);
    await publish('evt_gone');
    await waitFor(() => receiver.deliveries.some((delivery) => delivery.eventId === 'evt_gone'), {
      what: 'the delivery',
    });
    await waitFor(async () => (await deliveryRecord(local.platform, webhook.id, 'evt_gone'))?.status === 'delivered', {
      what: 'the delivered record',
    });

    // Act
    const erased = await backend.eraseEvent(tenantId, 'evt_gone');
    const event = await backend.getEvent(tenantId, 'evt_gone');
    const delivery = await backend.getDelivery(tenantId, webhook.id, 'evt_gone');
    const record = await deliveryRecord(local.platform, webhook.id, 'evt_gone');
    const retried = await backend.retryDelivery(tenantId, webhook.id, 'evt_gone').catch(refusal);

    // Assess
    expect(erased.status).toBe(204);
    expect(receiver.deliveries.find((d) => d.eventId === 'evt_gone')?.body).toContain('payload of evt_gone');
    expect(event.data).toMatchObject({
      id: 'evt_gone',
      type: 'document.uploaded',
      erased: true,
      deliveries: [{ webhookId: webhook.id, status: 'delivered', attemptCount: 1 }],
    });
    expect(event.data).not.toHaveProperty('data');
    expect(delivery.data).toMatchObject({ eventId: 'evt_gone', status: 'delivered', erased: true });
    expect(delivery.data).not.toHaveProperty('payload');
    expect(record).toMatchObject({ erased: true, status: 'delivered' });
    expect(JSON.stringify(record)).not.toContain('payload of evt_gone');
    expect(retried).toMatchObject({ status: 409, error: { error: { code: 'event_erased' } } });
  });

  it('sends a queued delivery of an erased event no more, and logs it as skipped: erased', async () => {
    // Prepare: every attempt fails, so the delivery waits in the queue for its next retry
    const { backend, tenantId, receiver, webhook, publish } = await tenantAt(503);
    await publish('evt_queued');
    await waitFor(() => receiver.deliveries.some((delivery) => delivery.eventId === 'evt_queued'), {
      what: 'a first attempt',
    });

    // Act
    const erased = await backend.eraseEvent(tenantId, 'evt_queued');
    const answeredAt = Date.now();
    const record = await waitFor(
      async () => {
        const found = await deliveryRecord(local.platform, webhook.id, 'evt_queued');
        return found?.status === 'skipped' ? found : undefined;
      },
      { what: 'the queued delivery to be skipped' },
    );

    // Assess
    expect(erased.status).toBe(204);
    expect(record).toMatchObject({ status: 'skipped', reason: ERASED_EVENT_REASON, erased: true });
    expect(receiver.deliveries.filter((d) => d.eventId === 'evt_queued' && d.receivedAt > answeredAt)).toEqual([]);
    expect((await backend.getEvent(tenantId, 'evt_queued')).data).toMatchObject({
      erased: true,
      deliveries: [{ webhookId: webhook.id, status: 'skipped' }],
    });
  });

  it('answers 404 for an unknown event and 400 for a malformed event or tenant id', async () => {
    // Prepare
    const { backend, tenantId } = await tenantAt(200);

    // Act
    const unknown = await backend.eraseEvent(tenantId, 'evt_never').catch(refusal);
    const badEvent = await backend.eraseEvent(tenantId, 'evt.dotted').catch(refusal);
    const badTenant = await backend.eraseEvent('-bad', 'evt_never').catch(refusal);

    // Assess (the generated client reads no error body on a route whose success has none: the status says it)
    expect(unknown).toMatchObject({ status: 404 });
    expect(badEvent).toMatchObject({ status: 400 });
    expect(badTenant).toMatchObject({ status: 400 });
  });
});
