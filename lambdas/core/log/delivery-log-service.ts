import {
  isExpired,
  notYetAttempted,
  toDeliveryDetail,
  toDeliverySummary,
  type DeliveryDetail,
  type DeliverySummary,
} from './delivery-log';
import { NotFoundError } from '../common/errors';
import { EVENT_ID_PATTERN, WEBHOOK_ID_PATTERN } from '../common/ids';
import { deliveryListQuerySchema, logPageQuery, toPage, type Page } from './log-queries';
import type { DeliveryLogStore, EventLogStore } from './log-store';
import { parseOrThrow } from '../common/validation';
import type { WebhookStore } from '../webhooks/webhook-store';

/** How long events and delivery records are kept. */
export interface LogRetention {
  /** The deployment's retention (docs/design.md §6c). */
  retentionDays: number;
  /** A tenant's own retention, when it has one (docs/design.md §16). */
  tenantRetentionDays?: (tenantId: string) => Promise<number | undefined>;
}

export interface LogServiceOptions extends LogRetention {
  webhooks: Pick<WebhookStore, 'get'>;
  deliveries: DeliveryLogStore;
  events: EventLogStore;
  now?: () => Date;
}

/** The retention that binds a tenant's log (its list windows start there): its own, else the deployment's. */
export async function retentionDaysOf(options: LogRetention, tenantId: string): Promise<number> {
  return (await options.tenantRetentionDays?.(tenantId)) ?? options.retentionDays;
}

/** The delivery log of one webhook (docs/design.md §6b): what was sent, each attempt, newest first. */
export class DeliveryLogService {
  private readonly now: () => Date;

  constructor(private readonly options: LogServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async list(tenantId: string, webhookId: string, query: unknown): Promise<Page<DeliverySummary>> {
    const { status, eventType, ...window } = parseOrThrow(deliveryListQuerySchema, query, 'query');
    const retentionDays = await retentionDaysOf(this.options, tenantId);
    const pageQuery = logPageQuery(window, { now: this.now(), retentionDays });
    await this.ownWebhook(tenantId, webhookId);
    const page = await this.options.deliveries.list(webhookId, { ...pageQuery, status, eventType });
    return toPage({ ...page, items: page.items.filter((record) => record.tenantId === tenantId) }, toDeliverySummary);
  }

  /**
   * The delivery's key holds the event's receivedAt, so the event is read first; it also holds the exact
   * payload. A delivery fan-out queued but not yet attempted is shown as pending with no attempts.
   */
  async get(tenantId: string, webhookId: string, eventId: string): Promise<DeliveryDetail> {
    await this.ownWebhook(tenantId, webhookId);
    const event = EVENT_ID_PATTERN.test(eventId) ? await this.options.events.get(tenantId, eventId) : undefined;
    if (!event || isExpired(event, this.now())) {
      throw new NotFoundError(
        `No event ${eventId} is stored: it was never received, or it is past the ${this.options.retentionDays}-day ` +
          `retention of events and their deliveries`,
      );
    }
    const stored = await this.options.deliveries.get(webhookId, event.receivedAt, eventId);
    const record =
      stored?.tenantId === tenantId
        ? stored
        : event.webhookIds?.includes(webhookId)
          ? notYetAttempted(event, webhookId)
          : undefined;
    if (!record) throw new NotFoundError(`Event ${eventId} was not delivered to this webhook`);
    return toDeliveryDetail(record, event.payload);
  }

  private async ownWebhook(tenantId: string, webhookId: string): Promise<void> {
    const webhook = WEBHOOK_ID_PATTERN.test(webhookId)
      ? await this.options.webhooks.get(tenantId, webhookId)
      : undefined;
    if (!webhook) throw new NotFoundError();
  }
}
