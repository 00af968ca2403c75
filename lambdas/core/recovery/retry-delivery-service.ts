import { isExpired } from '../log/delivery-log';
import { manualDeliveryTask } from '../delivery/delivery';
import { EventErasedError, NotFoundError, RateLimitedError } from '../common/errors';
import { isSendable } from '../events/stored-event';
import { MANUAL_RETRY_INTERVAL_SECONDS, type ManualAttemptLimits } from './manual-attempts';
import { EVENT_ID_PATTERN } from '../common/ids';
import type { DeliveryLogStore, EventLogStore } from '../log/log-store';
import type { LogRetention } from '../log/delivery-log-service';
import type { DeliveryQueue } from '../delivery/queue-ports';
import { activeWebhookOf } from '../webhooks/webhook-access';
import type { WebhookStore } from '../webhooks/webhook-store';
import type * as z from 'zod/mini';
import type { QueuedRetrySchema } from './recovery-resources';

/** The 404 for an expired event names the deployment's retention; the retried record is kept for the tenant's. */
export interface RetryDeliveryOptions extends LogRetention {
  webhooks: Pick<WebhookStore, 'get'>;
  events: Pick<EventLogStore, 'get'>;
  deliveries: Pick<DeliveryLogStore, 'get'>;
  queue: DeliveryQueue;
  limits: ManualAttemptLimits;
  now?: () => Date;
}

export type QueuedRetry = z.infer<typeof QueuedRetrySchema>;

/**
 * `POST /v2/webhooks/{id}/deliveries/{eventId}/retry` (docs/design.md §6b): one manual attempt of a logged delivery,
 * whatever its status, with the event's stored payload, signed afresh when the deliver function sends it. At
 * most one per delivery per MANUAL_RETRY_INTERVAL_SECONDS, and counted in the tenant's hourly budget of manual
 * attempts: over either, 429 `rate_limited` with the seconds to wait.
 */
export class RetryDeliveryService {
  private readonly now: () => Date;

  constructor(private readonly options: RetryDeliveryOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async retry(tenantId: string, webhookId: string, eventId: string): Promise<QueuedRetry> {
    const { webhooks, events, deliveries, queue, retentionDays } = this.options;
    await activeWebhookOf(webhooks, tenantId, webhookId);
    const now = this.now();
    const event = EVENT_ID_PATTERN.test(eventId) ? await events.get(tenantId, eventId) : undefined;
    if (!event) {
      throw new NotFoundError(
        `No event ${eventId} is stored: it was never received, or it is past the ${retentionDays}-day retention of ` +
          `events and their deliveries`,
      );
    }
    if (isExpired(event, now)) {
      throw new NotFoundError(
        `Event ${eventId} is past the ${retentionDays}-day retention of events and their deliveries: it can no ` +
          `longer be sent`,
      );
    }
    if (!isSendable(event)) throw new EventErasedError(eventId);
    const record = await deliveries.get(webhookId, event.receivedAt, eventId);
    if (record?.tenantId !== tenantId) throw new NotFoundError(`Event ${eventId} was not delivered to this webhook`);
    const throttle = await this.options.limits.claimRetry({ webhookId, receivedAt: event.receivedAt, eventId }, now);
    if (!throttle.ok) {
      throw new RateLimitedError(
        `This delivery was retried less than ${MANUAL_RETRY_INTERVAL_SECONDS} s ago; retry it again in ` +
          `${throttle.retryAfterSeconds} s`,
        throttle.retryAfterSeconds,
      );
    }
    const budget = await this.options.limits.takeFromBudget(tenantId, 1, now);
    if (!budget.ok) {
      throw new RateLimitedError(
        `This tenant made all its manual attempts of this hour; more are possible in ${budget.retryAfterSeconds} s`,
        budget.retryAfterSeconds,
      );
    }
    const tenantRetention = await this.options.tenantRetentionDays?.(tenantId);
    await queue.queue([manualDeliveryTask(event, webhookId, { retentionDays: tenantRetention })]);
    return { eventId, queuedAt: now.toISOString() };
  }
}
