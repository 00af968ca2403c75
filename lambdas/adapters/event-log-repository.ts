import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventHeader, StoredEvent } from '../core/events/stored-event';
import type { EventLogStore, EventPageQuery, LogPage } from '../core/log/log-store';
import { TABLE } from '../platform-settings';
import { batchGetAll } from './dynamo-batch-get';
import { keyWindow, readLogPage } from './log-query';
import { keys } from './table-keys';

type Item = Record<string, unknown>;
type Key = { pk: string; sk: string };

const { indexName, partitionKey: indexPartitionKey, sortKey: indexSortKey } = TABLE.eventsByTime;
/** Everything but the producer's data: a page of 100 events must not read 100 payloads. */
const HEADER_ATTRIBUTES = ['tenantId', 'eventId', 'type', 'receivedAt', 'expiresAt', 'webhookIds'];

function toEvent({ pk: _pk, sk: _sk, [indexPartitionKey]: _gpk, [indexSortKey]: _gsk, ...event }: Item): StoredEvent {
  return event as unknown as StoredEvent;
}

/**
 * Reads of stored events: by key (`EVENT#<tenantId>#<eventId>`), and a tenant's events by time through the
 * EventsByTime index (`EVENTS#<tenantId>`, `<receivedAt>#<eventId>`). The index projects only what it sorts
 * and filters on; a page then reads its events' headers in one BatchGetItem.
 */
export class DynamoEventLogRepository implements EventLogStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string, eventId: string): Promise<StoredEvent | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.event(tenantId, eventId), sk: keys.eventSort } }),
    );
    return Item ? toEvent(Item) : undefined;
  }

  async list(tenantId: string, query: EventPageQuery): Promise<LogPage<EventHeader>> {
    const partition = keys.eventsOfTenant(tenantId);
    const range = keyWindow('', query);
    if (!range) return { items: [] };
    const after = range.startAfter;
    const eventIdAt = (position: string) => position.slice(position.indexOf('#') + 1);
    const page = await readLogPage(
      this.client,
      {
        TableName: this.tableName,
        IndexName: indexName,
        KeyConditionExpression: '#partition = :partition AND #time BETWEEN :lower AND :upper',
        ...(query.type !== undefined ? { FilterExpression: '#type = :type' } : {}),
        ExpressionAttributeNames: {
          '#partition': indexPartitionKey,
          '#time': indexSortKey,
          ...(query.type !== undefined ? { '#type': 'type' } : {}),
        },
        ExpressionAttributeValues: {
          ':partition': partition,
          ':lower': range.lower,
          ':upper': range.upper,
          ...(query.type !== undefined ? { ':type': query.type } : {}),
        },
        ...(after !== undefined
          ? {
              ExclusiveStartKey: {
                [indexPartitionKey]: partition,
                [indexSortKey]: after,
                pk: keys.event(tenantId, eventIdAt(after)),
                sk: keys.eventSort,
              },
            }
          : {}),
      },
      {
        limit: query.limit,
        positionOf: (item) => item[indexSortKey] as string,
        toEntry: (item) => keys.event(tenantId, eventIdAt(item[indexSortKey] as string)),
      },
    );
    const headers = await this.headers(page.items.map((pk) => ({ pk, sk: keys.eventSort })));
    return { ...page, items: page.items.flatMap((pk) => headers.get(pk) ?? []) };
  }

  private async headers(wanted: Key[]): Promise<Map<string, EventHeader>> {
    const names = Object.fromEntries(['pk', ...HEADER_ATTRIBUTES].map((name) => [`#${name}`, name]));
    const events = await batchGetAll(
      this.client,
      this.tableName,
      wanted,
      { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names },
      'events',
    );
    return new Map(events.map((item) => [item.pk as string, toEvent(item)]));
  }
}
