import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../lambdas/adapters/table-keys';
import type { DeliveryRecord } from '../../lambdas/core/log/delivery-log';
import type { StoredEvent } from '../../lambdas/core/events/stored-event';
import { TABLE } from '../../lambdas/platform-settings';

/**
 * Writes events and delivery records as fan-out and deliver store them (the data model of docs/design.md §5 with the
 * time-ordered keys), so the read routes can be tested on any history: old, expired, another tenant's.
 */
export async function seedLog(
  target: { documentClient: DynamoDBDocumentClient; tableName: string },
  { events = [], deliveries = [] }: { events?: StoredEvent[]; deliveries?: DeliveryRecord[] },
): Promise<void> {
  const items = [
    ...events.map((event) => ({
      pk: keys.event(event.tenantId, event.eventId),
      sk: keys.eventSort,
      [TABLE.eventsByTime.partitionKey]: keys.eventsOfTenant(event.tenantId),
      [TABLE.eventsByTime.sortKey]: keys.eventTime(event.receivedAt, event.eventId),
      ...event,
    })),
    ...deliveries.map(({ webhookId, ...record }) => ({
      pk: keys.webhook(webhookId),
      sk: keys.deliveryAt(record.createdAt, record.eventId),
      expiresAt: Math.floor(Date.parse(record.updatedAt) / 1000) + 30 * 86_400,
      ...record,
    })),
  ];
  for (let start = 0; start < items.length; start += 25) {
    const batch = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    await target.documentClient.send(new BatchWriteCommand({ RequestItems: { [target.tableName]: batch } }));
  }
}
