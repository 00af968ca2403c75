import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ThrottleStore } from '../core/webhook-throttle';
import type { Webhook } from '../core/webhook';
import { isConditionFailure } from './dynamo-support';
import { keys } from './table-keys';

/**
 * A throttled webhook's next free send slot (`TENANT#<t>` / `THROTTLE#<webhookId>`, `nextSlotMs`): a small item of
 * its own, so a reservation writes one unit, not the webhook item with its headers. An idle webhook's slot is
 * now; otherwise each reservation moves the next free slot on by one interval (an atomic ADD) and takes the one
 * before it.
 */
export class DynamoWebhookThrottleRepository implements ThrottleStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async reserve(webhook: Webhook, nowMs: number, intervalMs: number): Promise<number> {
    const Key = { pk: keys.tenant(webhook.tenantId), sk: keys.throttle(webhook.id) };
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: 'SET nextSlotMs = :next',
          ConditionExpression: 'attribute_not_exists(nextSlotMs) OR nextSlotMs <= :now',
          ExpressionAttributeValues: { ':next': nowMs + intervalMs, ':now': nowMs },
        }),
      );
      return nowMs;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key,
        UpdateExpression: 'ADD nextSlotMs :interval',
        ExpressionAttributeValues: { ':interval': intervalMs },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Math.max(nowMs, (Attributes!.nextSlotMs as number) - intervalMs);
  }
}
