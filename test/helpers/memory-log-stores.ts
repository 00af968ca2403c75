import type { DeliveryRecord } from '../../lambdas/core/log/delivery-log';
import type { EventHeader, StoredEvent } from '../../lambdas/core/events/stored-event';
import {
  logPosition,
  type DeliveryLogStore,
  type DeliveryPageQuery,
  type EventLogStore,
  type EventPageQuery,
  type LogPageQuery,
} from '../../lambdas/core/log/log-store';

/** Newest first within the window, after the position: what the DynamoDB adapters do with keys. */
function page<T>(entries: T[], positionOf: (entry: T) => string, query: LogPageQuery, matches: (entry: T) => boolean) {
  const inWindow = entries
    .filter((entry) => {
      const position = positionOf(entry);
      return (
        position >= query.since &&
        (query.until === undefined || position <= `${query.until}#~`) &&
        (query.after === undefined || position < query.after)
      );
    })
    .filter(matches)
    .sort((a, b) => (positionOf(a) < positionOf(b) ? 1 : -1));
  const items = inWindow.slice(0, query.limit);
  return { items, ...(inWindow.length > query.limit ? { next: positionOf(items.at(-1)!) } : {}) };
}

/** The log stores kept in memory, so the services' own rules are tested without DynamoDB. */
export class MemoryLogStores implements DeliveryLogStore {
  readonly records: DeliveryRecord[] = [];
  readonly storedEvents: StoredEvent[] = [];

  async list(webhookId: string, query: DeliveryPageQuery) {
    return page(
      this.records.filter((record) => record.webhookId === webhookId),
      (record) => logPosition(record.createdAt, record.eventId),
      query,
      (record) =>
        (query.status === undefined || record.status === query.status) &&
        (query.eventType === undefined || record.eventType === query.eventType),
    );
  }

  async get(webhookId: string, receivedAt: string, eventId: string) {
    return this.records.find(
      (record) => record.webhookId === webhookId && record.createdAt === receivedAt && record.eventId === eventId,
    );
  }

  async ofEvents(events: readonly EventHeader[]) {
    return this.records.filter((record) =>
      events.some(
        (event) =>
          event.eventId === record.eventId &&
          event.receivedAt === record.createdAt &&
          event.webhookIds?.includes(record.webhookId),
      ),
    );
  }

  readonly events: EventLogStore = {
    get: async (tenantId, eventId) =>
      this.storedEvents.find((event) => event.tenantId === tenantId && event.eventId === eventId),
    list: async (tenantId: string, query: EventPageQuery) =>
      page(
        this.storedEvents.filter((event) => event.tenantId === tenantId),
        (event) => logPosition(event.receivedAt, event.eventId),
        query,
        (event) => query.type === undefined || event.type === query.type,
      ),
  };
}
