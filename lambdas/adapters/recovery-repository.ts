import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryRecord } from '../core/log/delivery-log';
import type { StoredEvent } from '../core/events/stored-event';
import { UNVERIFIED_DELIVERY_REASON } from '../core/webhooks/endpoint-verification';
import type { FailedDeliveryPage, RecoveryStore } from '../core/recovery/recovery-worker';
import { batchGetAll } from './dynamo-batch-get';
import { isConditionFailure } from './dynamo-support';
import { keyWindow } from './log-query';
import { keys } from './table-keys';

type Key = { pk: string; sk: string };

/** What a recovery reads: a webhook's delivery log by time (the key orders it), then its events' payloads. */
export class DynamoRecoveryRepository implements RecoveryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * One Query of `limit` items, oldest first; DynamoDB applies the status filter after reading them, so a page
   * holds at most `limit` failed deliveries and its cost is bounded whatever their share.
   */
  async failedDeliveries(
    webhookId: string,
    { since, until, after, limit }: { since: string; until: string; after?: string; limit: number },
  ): Promise<FailedDeliveryPage> {
    const pk = keys.webhook(webhookId);
    const range = keyWindow(keys.deliveryPrefix, { since, until, limit });
    if (!range) return { deliveries: [] };
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
        // failed deliveries, and those skipped while the endpoint had not consented yet
        FilterExpression: '#status = :failed OR (#status = :skipped AND #reason = :unverified)',
        ExpressionAttributeNames: { '#status': 'status', '#reason': 'reason' },
        ExpressionAttributeValues: {
          ':pk': pk,
          ':lower': range.lower,
          ':upper': range.upper,
          ':failed': 'failed',
          ':skipped': 'skipped',
          ':unverified': UNVERIFIED_DELIVERY_REASON,
        },
        Limit: limit,
        ...(after !== undefined ? { ExclusiveStartKey: { pk, sk: after } } : {}),
      }),
    );
    const deliveries = Items.map(
      ({ pk: _pk, sk: _sk, expiresAt: _expiresAt, ...record }) => ({ ...record, webhookId }) as DeliveryRecord,
    );
    return { deliveries, ...(LastEvaluatedKey ? { next: LastEvaluatedKey.sk as string } : {}) };
  }

  /** One conditional UpdateItem per record (a page's worth at most), in parallel. */
  async claimForRecovery(records: readonly DeliveryRecord[], recoveryId: string): Promise<DeliveryRecord[]> {
    const claimed = await Promise.all(
      records.map(async (record) => {
        try {
          await this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { pk: keys.webhook(record.webhookId), sk: keys.deliveryAt(record.createdAt, record.eventId) },
              UpdateExpression: 'SET recoveredBy = :id',
              ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(recoveredBy) OR recoveredBy <> :id)',
              ExpressionAttributeValues: { ':id': recoveryId },
            }),
          );
          return record;
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
          return undefined;
        }
      }),
    );
    return claimed.filter((record) => record !== undefined);
  }

  /** One BatchGetItem per 100 events (a page's worth); what DynamoDB leaves unprocessed is asked again. */
  async events(tenantId: string, eventIds: readonly string[]): Promise<StoredEvent[]> {
    const wanted: Key[] = [...new Set(eventIds)].map((eventId) => ({
      pk: keys.event(tenantId, eventId),
      sk: keys.eventSort,
    }));
    const events = await batchGetAll(this.client, this.tableName, wanted, {}, 'events');
    return events.map(({ pk: _pk, sk: _sk, ...event }) => event as StoredEvent);
  }
}
