import { DomainError, NotFoundError, ValidationError } from '../common/errors';
import { EVENT_ID_PATTERN } from '../common/ids';
import { assertTenantId } from '../access/tenants';
import type { StoredEvent } from './stored-event';

/**
 * A webhook keeps an erased event's mark this long: past the deliveries DLQ's 14 days, so that no delivery of it,
 * queued, retried or replayed from the DLQ, can still come.
 */
export const ERASED_EVENT_HORIZON_DAYS = 15;
/** Marks a webhook holds at once (each a few dozen bytes of the item every deliver batch reads). */
export const MAX_ERASED_EVENTS = 100;
/** How the delivery log tells a delivery not sent because its event was erased. */
export const ERASED_EVENT_REASON = 'erased: the event was erased before this delivery was sent';

/** Owner of the writes an event's erasure makes (lambdas/adapters/event-erasure-repository.ts). */
export interface EventErasureStore {
  get(tenantId: string, eventId: string): Promise<StoredEvent | undefined>;
  /** The ids of the tenant's webhooks now. */
  webhookIds(tenantId: string): Promise<string[]>;
  /**
   * Marks the event on each webhook that still exists, dropping its marks older than `prunedBefore`; marks none and
   * answers the first webhook that already holds `cap` marks.
   */
  markWebhooks(
    tenantId: string,
    webhookIds: readonly string[],
    mark: { eventId: string; at: string; prunedBefore: string; cap: number },
  ): Promise<{ full?: string }>;
  /** Removes the payload from the event, which keeps its id, type, time and webhooks, and records when. */
  erasePayload(tenantId: string, eventId: string, at: string): Promise<void>;
  /**
   * Marks each delivery record of the event `erased` and removes the receivers' answers from its attempts (they may
   * quote the payload); answers how many records there were.
   */
  eraseRecords(event: StoredEvent, webhookIds: readonly string[]): Promise<number>;
}

export class ErasedEventsFullError extends DomainError {
  constructor(webhookId: string) {
    super(
      'limit_exceeded',
      `Webhook ${webhookId} holds ${MAX_ERASED_EVENTS} events erased in the last ${ERASED_EVENT_HORIZON_DAYS} days, ` +
        'the most it can; erase the tenant instead, or try again later',
    );
  }
}

/**
 * `DELETE /admin/tenants/{tenantId}/events/{eventId}`: one event's payload erased, done before the answer (204). The
 * webhooks are marked first, so that from then on no delivery of it is sent (the deliver lanes read the mark with the
 * webhook: skipped, with ERASED_EVENT_REASON); then the payload leaves the event, and the receivers' answers leave its
 * delivery records, which are marked `erased`. Erasing an erased event again does it again (a DELETE is idempotent).
 */
export class EventErasureService {
  private readonly now: () => Date;

  constructor(
    private readonly store: EventErasureStore,
    options: { now?: () => Date } = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async erase(tenantId: string | undefined, eventId: string | undefined): Promise<{ deliveryRecords: number }> {
    const tenant = assertTenantId(tenantId);
    if (eventId === undefined || !EVENT_ID_PATTERN.test(eventId))
      throw new ValidationError('Invalid event id', [
        { path: 'eventId', message: 'must be 1-128 letters, digits, "_" or "-"' },
      ]);
    const event = await this.store.get(tenant, eventId);
    if (!event) throw new NotFoundError(`No event ${eventId} of tenant ${tenant} is stored`);
    const now = this.now();
    const webhookIds = [...new Set([...(event.webhookIds ?? []), ...(await this.store.webhookIds(tenant))])];
    const prunedBefore = new Date(now.getTime() - ERASED_EVENT_HORIZON_DAYS * 86_400_000).toISOString();
    const marked = await this.store.markWebhooks(tenant, webhookIds, {
      eventId,
      at: now.toISOString(),
      prunedBefore,
      cap: MAX_ERASED_EVENTS,
    });
    if (marked.full) throw new ErasedEventsFullError(marked.full);
    await this.store.erasePayload(tenant, eventId, now.toISOString());
    return { deliveryRecords: await this.store.eraseRecords(event, webhookIds) };
  }
}
