import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { LogPage, LogPageQuery, LogPosition } from '../core/log/log-store';

type Item = Record<string, unknown>;

/** Queries one page of a log may make when a filter drops entries: a request's reads stay bounded. */
const MAX_QUERIES_PER_PAGE = 4;

/**
 * Reads one page of a time-ordered log, newest first. Without a filter one Query of `limit + 1` items
 * answers (the extra one says whether more exist); with a filter, DynamoDB applies it after reading, so
 * several Queries may be needed, at most MAX_QUERIES_PER_PAGE: past that the page ends short, with a
 * position to go on from.
 */
export async function readLogPage<T>(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
  {
    limit,
    positionOf,
    toEntry,
  }: { limit: number; positionOf: (itemOrKey: Item) => LogPosition; toEntry: (item: Item) => T },
): Promise<LogPage<T>> {
  const found: Item[] = [];
  let startKey = input.ExclusiveStartKey;
  for (let query = 0; query < MAX_QUERIES_PER_PAGE; query += 1) {
    const { Items = [], LastEvaluatedKey } = await client.send(
      new QueryCommand({
        ...input,
        ScanIndexForward: false,
        ExclusiveStartKey: startKey,
        ...(input.FilterExpression ? {} : { Limit: limit + 1 - found.length }),
      }),
    );
    found.push(...Items);
    if (found.length > limit) return { items: found.slice(0, limit).map(toEntry), next: positionOf(found[limit - 1]!) };
    if (!LastEvaluatedKey) return { items: found.map(toEntry) };
    startKey = LastEvaluatedKey;
  }
  return { items: found.map(toEntry), next: positionOf(startKey!) };
}

/**
 * The sort-key range of a page and the key it starts after, or null when nothing can be in it. Keys are
 * `<prefix><instant>#<eventId>`, and every id character sorts before "~", so `since` and `until` are inclusive.
 * DynamoDB refuses a BETWEEN whose bounds are reversed (an `until` older than the retention's start) and a
 * start key outside the range: a cursor older than the window leaves nothing to read, and one newer than it
 * (the window changed between pages) starts at the window's newest end.
 */
export function keyWindow(
  prefix: string,
  { since, until, after }: LogPageQuery,
): { lower: string; upper: string; startAfter?: string } | null {
  const lower = `${prefix}${since}`;
  const upper = until === undefined ? `${prefix}~` : `${prefix}${until}#~`;
  const afterKey = after === undefined ? undefined : `${prefix}${after}`;
  if (upper < lower || (afterKey !== undefined && afterKey < lower)) return null;
  return { lower, upper, ...(afterKey !== undefined && afterKey <= upper ? { startAfter: afterKey } : {}) };
}
