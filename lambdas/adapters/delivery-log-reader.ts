import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryRecord } from '../core/log/delivery-log';
import type { EventHeader } from '../core/events/stored-event';
import type { DeliveryLogStore, DeliveryPageQuery, LogPage } from '../core/log/log-store';
import { batchGetAll } from './dynamo-batch-get';
import { keyWindow, readLogPage } from './log-query';
import { keys } from './table-keys';

type Item = Record<string, unknown>;
type Key = { pk: string; sk: string };
const STATUS_NAMES = { '#pk': 'pk', '#sk': 'sk', '#tenantId': 'tenantId', '#eventId': 'eventId', '#status': 'status' };
const STATUS_PROJECTION = Object.keys(STATUS_NAMES).join(', ');

function toRecord(item: Item): DeliveryRecord {
  const { pk, sk: _sk, expiresAt: _expiresAt, ...record } = item as Item & { pk: string };
  return {
    ...(record as Omit<DeliveryRecord, 'webhookId'>),
    webhookId: pk.slice(keys.webhookPrefix.length),
    attempts: (record.attempts as DeliveryRecord['attempts']) ?? [],
  };
}

/** Reads of the delivery log: `WEBHOOK#<webhookId>` / `DELIVERY#<receivedAt>#<eventId>`, time-ordered by key. */
export class DynamoDeliveryLogReader implements DeliveryLogStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(webhookId: string, query: DeliveryPageQuery): Promise<LogPage<DeliveryRecord>> {
    const pk = keys.webhook(webhookId);
    const range = keyWindow(keys.deliveryPrefix, query);
    if (!range) return { items: [] };
    const filters = [
      ...(query.status !== undefined ? ['#status = :status'] : []),
      ...(query.eventType !== undefined ? ['eventType = :eventType'] : []),
    ];
    return readLogPage(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        ...(query.status !== undefined ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
        ExpressionAttributeValues: {
          ':pk': pk,
          ':lower': range.lower,
          ':upper': range.upper,
          ...(query.status !== undefined ? { ':status': query.status } : {}),
          ...(query.eventType !== undefined ? { ':eventType': query.eventType } : {}),
        },
        ...(range.startAfter !== undefined ? { ExclusiveStartKey: { pk, sk: range.startAfter } } : {}),
      },
      {
        limit: query.limit,
        positionOf: (item) => (item.sk as string).slice(keys.deliveryPrefix.length),
        toEntry: toRecord,
      },
    );
  }

  async get(webhookId: string, receivedAt: string, eventId: string): Promise<DeliveryRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.webhook(webhookId), sk: keys.deliveryAt(receivedAt, eventId) },
      }),
    );
    return Item ? toRecord(Item) : undefined;
  }

  /** Where the events went; for counts only, just each record's status (never its attempts and responses). */
  async ofEvents(events: readonly EventHeader[], { statusOnly } = { statusOnly: false }): Promise<DeliveryRecord[]> {
    const projection = statusOnly
      ? { ProjectionExpression: STATUS_PROJECTION, ExpressionAttributeNames: STATUS_NAMES }
      : {};
    const wanted: Key[] = events.flatMap((event) =>
      (event.webhookIds ?? []).map((webhookId) => ({
        pk: keys.webhook(webhookId),
        sk: keys.deliveryAt(event.receivedAt, event.eventId),
      })),
    );
    const found = await batchGetAll(this.client, this.tableName, wanted, projection, 'delivery records');
    return found.map(toRecord);
  }
}
