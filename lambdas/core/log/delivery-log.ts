import type { AttemptTrigger, DeliveryAttempt, DeliveryStatus } from '../delivery/delivery';
import type { EventType } from '../events/event-catalog';
import type { EventHeader } from '../events/stored-event';
import type * as z from 'zod/mini';
import type { DeliverySchema, DeliverySummarySchema } from './log-resources';

/**
 * A record keeps its first attempts and its latest ones, this many in all (a record must stay far below DynamoDB's 400
 * KB)...
 */
export const MAX_ATTEMPTS_KEPT = 25;
/** ...of which the first this many. */
export const FIRST_ATTEMPTS_KEPT = 5;
/** The receiver's answer is kept to this many bytes of UTF-8 per attempt. */
export const MAX_RESPONSE_BYTES = 1024;

/** An attempt as the log stores it; records written before manual retries existed have no trigger. */
export type LoggedAttempt = Omit<DeliveryAttempt, 'trigger'> & { trigger?: AttemptTrigger };

/** One (webhook, event) pair as the delivery log stores it. */
export interface DeliveryRecord {
  tenantId: string;
  webhookId: string;
  eventId: string;
  eventType: EventType;
  status: DeliveryStatus;
  /** The first FIRST_ATTEMPTS_KEPT attempts and the latest ones, MAX_ATTEMPTS_KEPT at most. */
  attempts: LoggedAttempt[];
  /** Every attempt made, kept or not (absent on records written before the cap: all are kept). */
  attemptCount?: number;
  nextAttemptAt?: string;
  reason?: string;
  /** The event's receivedAt: the log's time order. */
  createdAt: string;
  updatedAt: string;
}

/** A delivery in the log's list (docs/design.md §6b). */
export type DeliverySummary = z.infer<typeof DeliverySummarySchema>;
export type LastAttempt = NonNullable<DeliverySummary['lastAttempt']>;

/** One delivery with every attempt and the exact body that is sent. */
export type DeliveryDetail = z.infer<typeof DeliverySchema>;
export type AttemptResource = DeliveryDetail['attempts'][number];

export function toDeliverySummary(record: DeliveryRecord): DeliverySummary {
  const last = record.attempts.at(-1);
  return {
    eventId: record.eventId,
    eventType: record.eventType,
    status: record.status,
    attemptCount: Math.max(record.attemptCount ?? 0, record.attempts.length),
    lastAttempt: last
      ? { at: last.at, statusCode: last.statusCode ?? null, durationMs: last.durationMs, error: last.error ?? null }
      : null,
    nextAttemptAt: record.nextAttemptAt ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** `payload` absent: the event was erased, and the delivery says so. */
export function toDeliveryDetail(record: DeliveryRecord, payload: string | undefined): DeliveryDetail {
  return {
    ...toDeliverySummary(record),
    attempts: record.attempts.map(({ at, trigger, statusCode, durationMs, error, response }) => ({
      at,
      trigger: trigger ?? 'scheduled',
      ...(statusCode !== undefined ? { statusCode } : {}),
      durationMs,
      ...(error !== undefined ? { error } : {}),
      ...(response !== undefined ? { response } : {}),
    })),
    attemptsOmitted: Math.max(0, (record.attemptCount ?? 0) - record.attempts.length),
    reason: record.reason ?? null,
    ...(payload === undefined ? { erased: true as const } : { payload }),
  };
}

/**
 * A delivery fan-out queued but whose first attempt is not logged yet: the log writes nothing before the
 * first attempt (one write per delivery), so until then the pair exists only in the event's `webhookIds`.
 */
export function notYetAttempted(event: EventHeader, webhookId: string): DeliveryRecord {
  return {
    tenantId: event.tenantId,
    webhookId,
    eventId: event.eventId,
    eventType: event.type,
    status: 'pending',
    attempts: [],
    createdAt: event.receivedAt,
    updatedAt: event.receivedAt,
  };
}

/** TTL deletion lags by up to days: an item past its expiry is treated as gone. */
export const isExpired = (event: EventHeader, now: Date): boolean => event.expiresAt * 1000 <= now.getTime();
