import { BatchWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryLogEntry } from '../core/deliver-batch';
import type { DeliveryTask } from '../core/delivery';
import type { DeliveryRecordUpdate } from '../core/delivery-service';
import { expiresAt, untilProcessed } from './dynamo-support';
import { keys } from './table-keys';

const MAX_RESPONSE_CHARS = 1024;

/** Under its webhook, by the event's time then id: the log lists newest first with no index (DESIGN §6b). */
export const deliveryKey = (task: Pick<DeliveryTask, 'webhookId' | 'receivedAt' | 'eventId'>) => ({
  pk: keys.webhook(task.webhookId),
  sk: keys.deliveryAt(task.receivedAt, task.eventId),
});
const BATCH_WRITE_LIMIT = 25;

/**
 * The delivery log: one item per (webhook, event), one write per attempt (the cost budget's one write).
 * First attempts, the vast majority, are put with BatchWriteItem, 25 to a request, so a batch of
 * deliveries costs one SDK call instead of ten; later attempts append to the item with UpdateItem.
 */
export class DynamoDeliveryRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  async recordAll(entries: readonly DeliveryLogEntry[], now = new Date()): Promise<void> {
    // one write per item and request: a repeated pair (a duplicate message) keeps its last update
    const byKey = new Map(entries.map((entry) => [`${entry.task.webhookId}|${entry.task.eventId}`, entry]));
    const puts = [...byKey.values()].filter((entry) => entry.firstWrite);
    const updates = [...byKey.values()].filter((entry) => !entry.firstWrite);
    await Promise.all([this.putAll(puts, now), ...updates.map((entry) => this.append(entry, now))]);
  }

  private common(task: DeliveryTask, update: DeliveryRecordUpdate, now: Date) {
    return {
      tenantId: task.tenantId,
      eventId: task.eventId,
      eventType: task.eventType,
      createdAt: task.receivedAt,
      status: update.status,
      updatedAt: now.toISOString(),
      expiresAt: expiresAt(now, this.retentionDays),
      ...(update.nextAttemptAt ? { nextAttemptAt: update.nextAttemptAt } : {}),
      ...(update.reason ? { reason: update.reason } : {}),
    };
  }

  private attempt(update: DeliveryRecordUpdate) {
    const { attempt } = update;
    return attempt?.response ? { ...attempt, response: attempt.response.slice(0, MAX_RESPONSE_CHARS) } : attempt;
  }

  private async putAll(entries: readonly DeliveryLogEntry[], now: Date): Promise<void> {
    for (let start = 0; start < entries.length; start += BATCH_WRITE_LIMIT) {
      const requests = entries.slice(start, start + BATCH_WRITE_LIMIT).map(({ task, update }) => {
        const attempt = this.attempt(update);
        return {
          PutRequest: {
            Item: {
              ...deliveryKey(task),
              ...this.common(task, update, now),
              attempts: attempt ? [attempt] : [],
            },
          },
        };
      });
      await untilProcessed(
        requests,
        async (pending) => {
          const { UnprocessedItems } = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
          return UnprocessedItems?.[this.tableName] as typeof pending | undefined;
        },
        'delivery records',
      );
    }
  }

  private async append({ task, update }: DeliveryLogEntry, now: Date): Promise<void> {
    const fields = this.common(task, update, now);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const set = Object.entries(fields).map(([field, value]) => {
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      return `#${field} = :${field}`;
    });
    const attempt = this.attempt(update);
    if (attempt) {
      set.push('attempts = list_append(if_not_exists(attempts, :none), :attempt)');
      values[':none'] = [];
      values[':attempt'] = [attempt];
    }
    const remove = ['nextAttemptAt', 'reason'].filter((field) => !(field in fields));
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: deliveryKey(task),
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}
