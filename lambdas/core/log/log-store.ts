import type { DeliveryStatus } from '../delivery/delivery';
import type { DeliveryRecord } from './delivery-log';
import type { EventHeader, StoredEvent } from '../events/stored-event';
import type { EventType } from '../events/event-catalog';

/**
 * A place in a time-ordered log: `<receivedAt>#<eventId>`. Both logs list newest first; a page continues
 * with the entries older than its position.
 */
export type LogPosition = string;

export interface LogPageQuery {
  limit: number;
  /** Inclusive bounds on the event's receivedAt (ISO-8601, UTC, as toISOString writes them). */
  since: string;
  until?: string;
  /** Continue with the entries older than this one. */
  after?: LogPosition;
}

export interface DeliveryPageQuery extends LogPageQuery {
  status?: DeliveryStatus;
  eventType?: EventType;
}

export interface EventPageQuery extends LogPageQuery {
  type?: EventType;
}

/**
 * A page of a log. `next` is where the following page starts, absent at the end. A filtered page may hold
 * fewer than `limit` entries and still have a `next`: the store reads a bounded amount per request.
 */
export interface LogPage<T> {
  items: T[];
  next?: LogPosition;
}

/** Reads of the delivery log (written by the deliver function). */
export interface DeliveryLogStore {
  list(webhookId: string, query: DeliveryPageQuery): Promise<LogPage<DeliveryRecord>>;
  get(webhookId: string, receivedAt: string, eventId: string): Promise<DeliveryRecord | undefined>;
  /**
   * The logged deliveries of these events to the webhooks each was fanned out to, in one batch read; with
   * `statusOnly`, each record without its attempts (what a count by status needs, a fraction of the bytes read).
   */
  ofEvents(events: readonly EventHeader[], options?: { statusOnly: boolean }): Promise<DeliveryRecord[]>;
}

/** Reads of the stored events (written by fan-out). */
export interface EventLogStore {
  get(tenantId: string, eventId: string): Promise<StoredEvent | undefined>;
  list(tenantId: string, query: EventPageQuery): Promise<LogPage<EventHeader>>;
}

export const logPosition = (receivedAt: string, eventId: string): LogPosition => `${receivedAt}#${eventId}`;

/** What a cursor of either log must decode to: a toISOString instant, then an event id. */
export const LOG_POSITION_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[A-Za-z0-9_-]{1,128}$/;
