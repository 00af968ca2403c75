import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ThrottleStore } from '../core/webhooks/webhook-throttle';
import type { Webhook } from '../core/webhooks/webhook';
import { isConditionFailure } from './dynamo-support';
import { keys } from './table-keys';

/** Reservation rounds one delivery makes at most when other containers keep changing the slot under it. */
const MAX_ROUNDS = 3;

/**
 * A throttled webhook's next free send slot (`TENANT#<t>` / `THROTTLE#<webhookId>`, `nextSlotMs`, and the
 * `throttleRate` it is spaced at): a small item of its own, so a reservation writes one unit, not the webhook item
 * with its headers. While the webhook is busy (the next free slot is ahead), a reservation is one conditional ADD
 * of one interval: one write. Only an idle webhook (or an item of another rate: the rate changed) costs a second,
 * the SET that makes its slot now. A slot beyond `latestMs` is not taken: the failed condition says where the next
 * free slot is, and nothing moves.
 */
export class DynamoWebhookThrottleRepository implements ThrottleStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async reserve(webhook: Webhook, nowMs: number, intervalMs: number, latestMs: number): Promise<number | undefined> {
    const Key = { pk: keys.tenant(webhook.tenantId), sk: keys.throttle(webhook.id) };
    const rate = webhook.throttleRate;
    for (let round = 1; ; round += 1) {
      try {
        const { Attributes } = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression: 'ADD nextSlotMs :interval',
            ConditionExpression: 'nextSlotMs > :now AND nextSlotMs <= :latest AND throttleRate = :rate',
            ExpressionAttributeValues: { ':interval': intervalMs, ':now': nowMs, ':latest': latestMs, ':rate': rate },
            ReturnValues: 'UPDATED_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return (Attributes!.nextSlotMs as number) - intervalMs;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const item = error instanceof ConditionalCheckFailedException ? error.Item : undefined;
        const busyUntil = item?.throttleRate?.N === String(rate) ? Number(item.nextSlotMs?.N) : undefined;
        if (busyUntil !== undefined && busyUntil > latestMs) return undefined;
      }
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression: 'SET nextSlotMs = :next, throttleRate = :rate',
            ConditionExpression: 'attribute_not_exists(nextSlotMs) OR nextSlotMs <= :now OR throttleRate <> :rate',
            ExpressionAttributeValues: { ':next': nowMs + intervalMs, ':now': nowMs, ':rate': rate },
          }),
        );
        return nowMs;
      } catch (error) {
        // another container made the webhook busy in between: take the next free slot
        if (!isConditionFailure(error) || round >= MAX_ROUNDS) throw error;
      }
    }
  }
}
