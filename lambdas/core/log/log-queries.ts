import { decodeCursor, encodeCursor } from '../common/cursor';
import { DELIVERY_STATUSES } from '../delivery/delivery';
import { LOG_POSITION_PATTERN, type LogPage, type LogPageQuery } from './log-store';
import { listQuerySchema } from '../webhooks/webhook-schemas';
import * as z from 'zod/mini';
import '../common/zod-messages';

const instantMessage = 'must be an ISO-8601 date-time with a time zone, e.g. 2026-01-15T10:30:00Z';

/** An instant, normalised to toISOString's form so it compares with the log's keys as text. */
export const instantSchema = z.pipe(
  z.pipe(
    z.iso.datetime({ offset: true, error: instantMessage }),
    z.transform((value) => new Date(value).toISOString()),
  ),
  // an offset can push year 9999 into year 10000, whose ISO form (+010000-…) no longer sorts with the log's keys
  z.string().check(z.regex(/^\d{4}-/, 'must fall within the years 0000 to 9999 once converted to UTC')),
);

const windowRule = z.refine<{ since?: string; until?: string }>(
  ({ since, until }) => since === undefined || until === undefined || since <= until,
  { message: 'must not be after until', path: ['since'] },
);

const { limit, cursor, event: eventType } = listQuerySchema.shape;

/** Query of `GET /v2/webhooks/{id}/deliveries` (docs/design.md §6b). */
export const deliveryListQuerySchema = z
  .strictObject({
    status: z.optional(z.enum(DELIVERY_STATUSES, { error: `must be one of ${DELIVERY_STATUSES.join(', ')}` })),
    eventType,
    since: z.optional(instantSchema),
    until: z.optional(instantSchema),
    limit,
    cursor,
  })
  .check(windowRule);

/** Query of `GET /v2/events` (docs/design.md §6c). */
export const eventListQuerySchema = z
  .strictObject({
    type: eventType,
    since: z.optional(instantSchema),
    until: z.optional(instantSchema),
    limit,
    cursor,
  })
  .check(windowRule);

export interface Page<T> {
  data: T[];
  hasMore: boolean;
  nextCursor: string | null;
}

/**
 * The store query of a parsed list query. The window starts no earlier than the retention allows: older
 * entries are gone (or about to be, TTL deletion lags), so asking for them is clamped rather than refused.
 */
export function logPageQuery(
  query: { since?: string; until?: string; limit: number; cursor?: string },
  { now, retentionDays }: { now: Date; retentionDays: number },
): LogPageQuery {
  const horizon = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  return {
    limit: query.limit,
    since: query.since === undefined || query.since < horizon ? horizon : query.since,
    ...(query.until !== undefined ? { until: query.until } : {}),
    ...(query.cursor !== undefined ? { after: decodeCursor(query.cursor, LOG_POSITION_PATTERN) } : {}),
  };
}

export function toPage<T, R>(page: LogPage<T>, toResource: (item: T) => R): Page<R> {
  return {
    data: page.items.map(toResource),
    hasMore: page.next !== undefined,
    nextCursor: page.next === undefined ? null : encodeCursor(page.next),
  };
}
