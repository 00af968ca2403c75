import { isExpired } from './delivery-log';
import { manualDeliveryTask } from './delivery';
import { NotFoundError } from './errors';
import { EVENT_ID_PATTERN } from './ids';
import type { DeliveryLogStore, EventLogStore } from './log-store';
import type { DeliveryQueue } from './queue-ports';
import { activeWebhookOf } from './webhook-access';
import type { WebhookStore } from './webhook-store';

export interface RetryDeliveryOptions {
  webhooks: Pick<WebhookStore, 'get'>;
  events: Pick<EventLogStore, 'get'>;
  deliveries: Pick<DeliveryLogStore, 'get'>;
  queue: DeliveryQueue;
  /** How long events are kept: a 404 for an expired one says so. */
  retentionDays: number;
  now?: () => Date;
}

export interface QueuedRetry {
  eventId: string;
  queuedAt: string;
}

/**
 * `POST /v2/webhooks/{id}/deliveries/{eventId}/retry` (docs/design.md §6b): one manual attempt of a logged delivery,
 * whatever its status, with the event's stored payload, signed afresh when the deliver function sends it.
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
      throw new NotFoundError(`No event ${eventId} is stored: it was never received, or it is past the ${retentionDays}-day retention of events and their deliveries`);
    }
    if (isExpired(event, now)) {
      throw new NotFoundError(`Event ${eventId} is past the ${retentionDays}-day retention of events and their deliveries: it can no longer be sent`);
    }
    const record = await deliveries.get(webhookId, event.receivedAt, eventId);
    if (record?.tenantId !== tenantId) throw new NotFoundError(`Event ${eventId} was not delivered to this webhook`);
    await queue.queue([manualDeliveryTask(event, webhookId)]);
    return { eventId, queuedAt: now.toISOString() };
  }
}
