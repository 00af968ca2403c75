import { BatchWriteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryLogEntry } from '../core/delivery/deliver-batch';
import type { DeliveryAttempt, DeliveryTask } from '../core/delivery/delivery';
import { FIRST_ATTEMPTS_KEPT, MAX_ATTEMPTS_KEPT, MAX_RESPONSE_BYTES } from '../core/log/delivery-log';
import type { DeliveryRecordUpdate } from '../core/delivery/delivery-plan';
import { expiresAt, isConditionFailure, untilProcessed } from './dynamo-support';
import { logger } from './observability';
import { keys } from './table-keys';

/** Under its webhook, by the event's time then id: the log lists newest first with no index (docs/design.md §6b). */
export const deliveryKey = (task: Pick<DeliveryTask, 'webhookId' | 'receivedAt' | 'eventId'>) => ({
  pk: keys.webhook(task.webhookId),
  sk: keys.deliveryAt(task.receivedAt, task.eventId),
});
const BATCH_WRITE_LIMIT = 25;

/** The longest prefix of `text` whose UTF-8 form is at most `maxBytes`, never cutting a character in two. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // step back over continuation bytes (10xxxxxx) to the start of the character the cut would split
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}

/** A write DynamoDB refuses as the caller's fault (too large, a bad value): sending it again cannot help. */
const isRefusedForGood = (error: unknown) => (error as { name?: string }).name === 'ValidationException';

/**
 * The delivery log: one item per (webhook, event), one write per attempt (the cost budget's one write). First
 * attempts, the vast majority, are put with BatchWriteItem, 25 to a request; later attempts append to the item
 * with UpdateItem. A record keeps its first FIRST_ATTEMPTS_KEPT attempts and its latest ones, MAX_ATTEMPTS_KEPT
 * in all, with the total in `attemptCount`, and each response cut to 1,024 bytes: a record stays a few tens of
 * KB however often it is retried. One record's failure never fails another's.
 */
export class DynamoDeliveryLogWriter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  /**
   * Writes the batch's entries; answers the messages whose entry could not be written for now (throttling, an
   * outage), which alone should come back. An entry DynamoDB refuses for good is logged and not retried: the
   * attempt it records was made, and sending it again would not make the record writable.
   */
  async recordAll(entries: readonly DeliveryLogEntry[], now = new Date()): Promise<Set<string>> {
    // one write per item and request: a repeated pair (a duplicate message) keeps its last update
    const byKey = new Map<string, { entry: DeliveryLogEntry; messageIds: string[] }>();
    for (const entry of entries) {
      const key = `${entry.task.webhookId}|${entry.task.eventId}`;
      byKey.set(key, { entry, messageIds: [...(byKey.get(key)?.messageIds ?? []), entry.fromMessageId] });
    }
    const unwritten = new Set<string>();
    const settle = async (write: () => Promise<void>, group: { entry: DeliveryLogEntry; messageIds: string[] }) => {
      try {
        await write();
      } catch (error) {
        const { task } = group.entry;
        if (isRefusedForGood(error)) {
          logger.error('delivery record refused by DynamoDB; the attempt keeps its outcome', {
            webhookId: task.webhookId,
            eventId: task.eventId,
            error: error as Error,
          });
        } else {
          logger.error('delivery record not written; its message comes back', {
            webhookId: task.webhookId,
            eventId: task.eventId,
            error: error as Error,
          });
          for (const messageId of group.messageIds) unwritten.add(messageId);
        }
      }
    };
    const groups = [...byKey.values()];
    const puts = groups.filter(({ entry }) => entry.firstWrite);
    await Promise.all([
      this.putAll(puts, now, settle),
      ...groups
        .filter(({ entry }) => !entry.firstWrite)
        .map((group) => settle(() => this.append(group.entry, now), group)),
    ]);
    return unwritten;
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

  private attempt(update: DeliveryRecordUpdate): DeliveryAttempt | undefined {
    const { attempt } = update;
    return attempt?.response ? { ...attempt, response: truncateUtf8(attempt.response, MAX_RESPONSE_BYTES) } : attempt;
  }

  private item({ task, update }: DeliveryLogEntry, now: Date) {
    const attempt = this.attempt(update);
    return {
      ...deliveryKey(task),
      ...this.common(task, update, now),
      attempts: attempt ? [attempt] : [],
      attemptCount: attempt ? 1 : 0,
      scheduledAttemptCount: attempt?.trigger === 'scheduled' ? 1 : 0,
    };
  }

  /**
   * First attempts in BatchWriteItem requests; a request DynamoDB refuses as a whole (one item it will never
   * take fails all 25) is sent again one item at a time, so that only the bad item is left out.
   */
  private async putAll(
    groups: readonly { entry: DeliveryLogEntry; messageIds: string[] }[],
    now: Date,
    settle: (write: () => Promise<void>, group: { entry: DeliveryLogEntry; messageIds: string[] }) => Promise<void>,
  ): Promise<void> {
    for (let start = 0; start < groups.length; start += BATCH_WRITE_LIMIT) {
      const chunk = groups.slice(start, start + BATCH_WRITE_LIMIT);
      const requests = chunk.map(({ entry }) => ({ PutRequest: { Item: this.item(entry, now) } }));
      try {
        await untilProcessed(
          requests,
          async (pending) => {
            const { UnprocessedItems } = await this.client.send(
              new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
            );
            return UnprocessedItems?.[this.tableName] as typeof pending | undefined;
          },
          'delivery records',
        );
      } catch {
        await Promise.all(
          chunk.map((group) =>
            settle(
              () =>
                this.client
                  .send(new PutCommand({ TableName: this.tableName, Item: this.item(group.entry, now) }))
                  .then(() => undefined),
              group,
            ),
          ),
        );
      }
    }
  }

  /**
   * A later attempt: appended while the record keeps fewer than MAX_ATTEMPTS_KEPT; once full, the oldest of the
   * latest ones (just after the first FIRST_ATTEMPTS_KEPT) makes room first. DynamoDB cannot remove from and
   * append to one list in one update, so a full record costs two writes per attempt; only manual retries, which
   * are throttled, get a record that far.
   */
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
    let condition: string | undefined;
    let add = '';
    if (attempt) {
      set.push('attempts = list_append(if_not_exists(attempts, :none), :attempt)');
      values[':none'] = [];
      values[':attempt'] = [attempt];
      values[':max'] = MAX_ATTEMPTS_KEPT;
      values[':one'] = 1;
      // the ordered lane reads where a delivery stands in its schedule from here (manual attempts are not part of it)
      add =
        attempt.trigger === 'scheduled'
          ? ' ADD attemptCount :one, scheduledAttemptCount :one'
          : ' ADD attemptCount :one';
      condition = 'attribute_not_exists(attempts) OR size(attempts) < :max';
    }
    const remove = ['nextAttemptAt', 'reason'].filter((field) => !(field in fields));
    const command = new UpdateCommand({
      TableName: this.tableName,
      Key: deliveryKey(task),
      UpdateExpression: `SET ${set.join(', ')}${add}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
    for (let round = 0; ; round += 1) {
      try {
        await this.client.send(command);
        return;
      } catch (error) {
        if (!isConditionFailure(error) || round >= 2) throw error;
        await this.makeRoom(task);
      }
    }
  }

  private async makeRoom(task: DeliveryTask): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(task),
          UpdateExpression: `REMOVE attempts[${FIRST_ATTEMPTS_KEPT}]`,
          ConditionExpression: 'size(attempts) >= :max',
          ExpressionAttributeValues: { ':max': MAX_ATTEMPTS_KEPT },
        }),
      );
    } catch (error) {
      // another attempt made room first
      if (!isConditionFailure(error)) throw error;
    }
  }
}
