import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { LogPage, LogPosition } from '../core/log-store';

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
  { limit, positionOf, toEntry }: { limit: number; positionOf: (itemOrKey: Item) => LogPosition; toEntry: (item: Item) => T },
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
 * The sort-key range of a window: `since` and `until` are inclusive instants, and every key is
 * `<prefix><instant>#<eventId>`, whose id characters all sort before "~".
 */
export function windowRange(prefix: string, since: string, until: string | undefined): { lower: string; upper: string } {
  return { lower: `${prefix}${since}`, upper: until === undefined ? `${prefix}~` : `${prefix}${until}#~` };
}

/**
 * The key a page starts after: the cursor's when it lies in the window (DynamoDB refuses a start key outside
 * the key condition). A cursor newer than the window (the window changed between pages) starts at the
 * window's newest end (undefined); one older than the window leaves nothing to read (null).
 */
export function startAfter(cursorKey: string | undefined, { lower, upper }: { lower: string; upper: string }): string | undefined | null {
  if (cursorKey === undefined || cursorKey > upper) return undefined;
  return cursorKey < lower ? null : cursorKey;
}
