import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PlatformEvent } from '../core/event-envelope';
import { expiresAt, isConditionFailure } from './dynamo-support';
import { keys } from './table-keys';

/** Stored events: the idempotency record of fan-out, kept for replay and the delivery log. */
export class DynamoEventRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  /**
   * Stores the event unless its id was already taken by another queue message: false means a producer
   * published the same id twice, so it must not be fanned out again. The same queue message coming
   * back (fan-out crashed before it finished) is let through, so a crash never loses the event.
   */
  async recordOnce(event: PlatformEvent, sourceMessageId: string, now = new Date()): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: keys.event(event.tenantId, event.id),
            sk: keys.eventSort,
            tenantId: event.tenantId,
            type: event.type,
            payload: event.data,
            sourceMessageId,
            receivedAt: now.toISOString(),
            expiresAt: expiresAt(now, this.retentionDays),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR sourceMessageId = :messageId',
          ExpressionAttributeValues: { ':messageId': sourceMessageId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
