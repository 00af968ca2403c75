import { DELIVERY_STATUSES, type DeliveryStatus } from '../delivery/delivery';
import { isExpired, notYetAttempted, toDeliverySummary, type DeliveryRecord } from './delivery-log';
import type { EventHeader } from '../events/stored-event';
import { NotFoundError } from '../common/errors';
import { EVENT_ID_PATTERN } from '../common/ids';
import { parseExact } from '../common/json-text';
import { eventListQuerySchema, logPageQuery, toPage, type Page } from './log-queries';
import { retentionDaysOf, type LogServiceOptions } from './delivery-log-service';
import { parseOrThrow } from '../common/validation';
import type * as z from 'zod/mini';
import type { EventSchema, EventSummarySchema } from './log-resources';

/** An event in the tenant's list (docs/design.md §6c). */
export type EventSummary = z.infer<typeof EventSummarySchema>;

/** An event as delivered, and where it went. */
export type EventDetail = z.infer<typeof EventSchema>;

/** The tenant's events, newest first, and what became of each (the audit trail). */
export class EventLogService {
  private readonly now: () => Date;

  constructor(private readonly options: Omit<LogServiceOptions, 'webhooks'>) {
    this.now = options.now ?? (() => new Date());
  }

  async list(tenantId: string, query: unknown): Promise<Page<EventSummary>> {
    const { type, ...window } = parseOrThrow(eventListQuerySchema, query, 'query');
    const retentionDays = await retentionDaysOf(this.options, tenantId);
    const pageQuery = logPageQuery(window, { now: this.now(), retentionDays });
    const page = await this.options.events.list(tenantId, { ...pageQuery, type });
    const deliveries = await this.deliveriesOf(page.items, { statusOnly: true });
    return toPage(page, (event) => ({
      id: event.eventId,
      type: event.type,
      receivedAt: event.receivedAt,
      deliveryCounts: countByStatus(deliveries.get(event.eventId) ?? []),
    }));
  }

  async get(tenantId: string, eventId: string): Promise<EventDetail> {
    const event = EVENT_ID_PATTERN.test(eventId) ? await this.options.events.get(tenantId, eventId) : undefined;
    if (!event || isExpired(event, this.now())) {
      throw new NotFoundError(
        `No event ${eventId} is stored: it was never received, ` +
          `or it is past the ${this.options.retentionDays}-day retention of events`,
      );
    }
    const deliveries = (await this.deliveriesOf([event], { statusOnly: false })).get(eventId) ?? [];
    return {
      id: event.eventId,
      type: event.type,
      ...(event.payload === undefined
        ? { erased: true as const }
        : { data: (parseExact(event.payload) as Pick<EventDetail, 'data'>).data }),
      receivedAt: event.receivedAt,
      deliveries: deliveries.map((record) => ({
        webhookId: record.webhookId,
        status: record.status,
        attemptCount: toDeliverySummary(record).attemptCount,
      })),
    };
  }

  /** One record per webhook each event went to; a delivery not yet logged is pending. */
  private async deliveriesOf(
    events: readonly EventHeader[],
    options: { statusOnly: boolean },
  ): Promise<Map<string, DeliveryRecord[]>> {
    const logged = await this.options.deliveries.ofEvents(events, options);
    const byPair = new Map(
      logged.map((record) => [`${record.webhookId}|${record.eventId}|${record.tenantId}`, record]),
    );
    return new Map(
      events.map((event) => [
        event.eventId,
        (event.webhookIds ?? []).map(
          (webhookId) =>
            byPair.get(`${webhookId}|${event.eventId}|${event.tenantId}`) ?? notYetAttempted(event, webhookId),
        ),
      ]),
    );
  }
}

function countByStatus(records: readonly DeliveryRecord[]): Record<DeliveryStatus, number> {
  const counts = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, 0])) as Record<DeliveryStatus, number>;
  for (const record of records) counts[record.status] += 1;
  return counts;
}
