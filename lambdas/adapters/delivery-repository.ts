import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryTask } from '../core/delivery';
import type { DeliveryRecordUpdate } from '../core/delivery-service';
import { keys } from './table-keys';

const MAX_RESPONSE_CHARS = 1024;

/** The delivery log: one item per (webhook, event), one UpdateItem per attempt (the cost budget's one write). */
export class DynamoDeliveryRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  async record(task: DeliveryTask, update: DeliveryRecordUpdate, now = new Date()): Promise<void> {
    const set = ['tenantId = :tenantId', 'eventType = :eventType', '#status = :status', 'updatedAt = :now', 'expiresAt = :expiresAt'];
    const remove: string[] = [];
    const values: Record<string, unknown> = {
      ':tenantId': task.tenantId,
      ':eventType': task.eventType,
      ':status': update.status,
      ':now': now.toISOString(),
      ':expiresAt': Math.floor(now.getTime() / 1000) + this.retentionDays * 86400,
    };
    if (update.attempt) {
      const attempt = update.attempt.response ? { ...update.attempt, response: update.attempt.response.slice(0, MAX_RESPONSE_CHARS) } : update.attempt;
      set.push('attempts = list_append(if_not_exists(attempts, :none), :attempt)');
      values[':none'] = [];
      values[':attempt'] = [attempt];
    }
    if (update.nextAttemptAt) {
      set.push('nextAttemptAt = :next');
      values[':next'] = update.nextAttemptAt;
    } else {
      remove.push('nextAttemptAt');
    }
    if (update.reason) {
      set.push('reason = :reason');
      values[':reason'] = update.reason;
    } else {
      remove.push('reason');
    }
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.webhook(task.webhookId), sk: keys.delivery(task.eventId) },
        UpdateExpression: `SET ${set.join(', ')} REMOVE ${remove.join(', ')}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    );
  }
}
