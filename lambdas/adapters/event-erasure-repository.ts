import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventErasureStore } from '../core/events/event-erasure';
import type { StoredEvent } from '../core/events/stored-event';
import type { LoggedAttempt } from '../core/log/delivery-log';
import { batchGetAll } from './dynamo-batch-get';
import { queryItems } from './dynamo-pages';
import { isConditionFailure, updateIfExists } from './dynamo-support';
import { DynamoEventLogRepository } from './event-log-repository';
import { keys } from './table-keys';

type Key = { pk: string; sk: string };

/**
 * The writes of one event's erasure: marks on the tenant's webhook items (`erasedEvents`, read by every deliver
 * batch with the webhook), the event item without its payload, and its delivery records marked `erased` without
 * the receivers' answers.
 */
export class DynamoEventErasureRepository implements EventErasureStore {
  private readonly events: DynamoEventLogRepository;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.events = new DynamoEventLogRepository(client, tableName);
  }

  get(tenantId: string, eventId: string): Promise<StoredEvent | undefined> {
    return this.events.get(tenantId, eventId);
  }

  async webhookIds(tenantId: string): Promise<string[]> {
    const webhooks = queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.tenant(tenantId), ':prefix': keys.webhookPrefix },
      ProjectionExpression: 'sk',
      ConsistentRead: true,
    });
    const ids: string[] = [];
    for await (const webhook of webhooks) ids.push((webhook.sk as string).slice(keys.webhookPrefix.length));
    return ids;
  }

  async markWebhooks(
    tenantId: string,
    webhookIds: readonly string[],
    mark: { eventId: string; at: string; prunedBefore: string; cap: number },
  ): Promise<{ full?: string }> {
    const marks = await this.currentMarks(
      webhookIds.map((id) => ({ pk: keys.tenant(tenantId), sk: keys.webhook(id) })),
    );
    for (const [key, current] of marks) {
      const live = Object.entries(current ?? {}).filter(([id, at]) => id !== mark.eventId && at >= mark.prunedBefore);
      if (live.length >= mark.cap) return { full: key.sk.slice(keys.webhookPrefix.length) };
    }
    await Promise.all([...marks].map(([key, current]) => this.markOne(key, current, mark)));
    return {};
  }

  /** The marks of each webhook that exists (undefined: it has none yet). */
  private async currentMarks(wanted: Key[]): Promise<Map<Key, Record<string, string> | undefined>> {
    const webhooks = await batchGetAll(
      this.client,
      this.tableName,
      wanted,
      { ConsistentRead: true, ProjectionExpression: 'pk, sk, erasedEvents' },
      'webhook reads',
    );
    return new Map(
      webhooks.map((item) => [
        { pk: item.pk as string, sk: item.sk as string },
        item.erasedEvents as Record<string, string> | undefined,
      ]),
    );
  }

  /** One UpdateItem: the mark added (the map made when there is none) and the marks past the horizon removed. */
  private async markOne(
    key: Key,
    current: Record<string, string> | undefined,
    mark: { eventId: string; at: string; prunedBefore: string },
  ): Promise<void> {
    const stale = Object.entries(current ?? {})
      .filter(([id, at]) => id !== mark.eventId && at < mark.prunedBefore)
      .map(([id]) => id);
    try {
      if (current === undefined)
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET erasedEvents = :marks',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(erasedEvents)',
            ExpressionAttributeValues: { ':marks': { [mark.eventId]: mark.at } },
          }),
        );
      else
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: `SET erasedEvents.#event = :at${
              stale.length ? ` REMOVE ${stale.map((_, n) => `erasedEvents.#stale${n}`).join(', ')}` : ''
            }`,
            ConditionExpression: 'attribute_exists(erasedEvents)',
            ExpressionAttributeNames: {
              '#event': mark.eventId,
              ...Object.fromEntries(stale.map((id, n) => [`#stale${n}`, id])),
            },
            ExpressionAttributeValues: { ':at': mark.at },
          }),
        );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // the webhook was deleted meanwhile (nothing to mark), or another erasure made its map first (add to it)
      if (current === undefined) {
        const [now] = (await this.currentMarks([key])).values();
        if (now !== undefined) await this.markOne(key, now, mark);
      }
    }
  }

  async erasePayload(tenantId: string, eventId: string, at: string): Promise<void> {
    // expired (TTL) meanwhile: nothing left to erase
    await updateIfExists(this.client, {
      TableName: this.tableName,
      Key: { pk: keys.event(tenantId, eventId), sk: keys.eventSort },
      UpdateExpression: 'SET erasedAt = if_not_exists(erasedAt, :at) REMOVE payload',
      ExpressionAttributeValues: { ':at': at },
    });
  }

  async eraseRecords(event: StoredEvent, webhookIds: readonly string[]): Promise<number> {
    const erased = await Promise.all(
      webhookIds.map(async (webhookId) => {
        const key = { pk: keys.webhook(webhookId), sk: keys.deliveryAt(event.receivedAt, event.eventId) };
        const { Item } = await this.client.send(
          new GetCommand({
            TableName: this.tableName,
            Key: key,
            ConsistentRead: true,
            ProjectionExpression: 'attempts',
          }),
        );
        if (!Item) return 0;
        const attempts = ((Item.attempts as LoggedAttempt[] | undefined) ?? []).map(
          ({ response: _response, ...attempt }) => attempt,
        );
        await updateIfExists(this.client, {
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET erased = :true, attempts = :attempts',
          ExpressionAttributeValues: { ':true': true, ':attempts': attempts },
        });
        return 1;
      }),
    );
    return erased.reduce<number>((sum, n) => sum + n, 0);
  }
}
