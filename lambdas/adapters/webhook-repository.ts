import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { LimitExceededError } from '../core/errors';
import type { Webhook } from '../core/webhook';
import type { SecretRotation, WebhookChanges, WebhookPage, WebhookPageQuery, WebhookStore } from '../core/webhook-store';
import { cancelledByCondition, isConditionFailure, untilProcessed } from './dynamo-support';
import { keys } from './table-keys';

type WebhookItem = Webhook & { pk: string; sk: string };

/** What the delivery path keeps of a webhook's health (auto-disable clock, failure count, breaker). */
const HEALTH_FIELDS = 'failingSince, consecutiveFailures, nextProbeAt, probeIntervalSeconds';

function toWebhook({ pk: _pk, sk: _sk, ...webhook }: WebhookItem): Webhook {
  return webhook;
}

function matches(webhook: Webhook, query: WebhookPageQuery): boolean {
  return (
    (query.event === undefined || webhook.events.includes(query.event)) &&
    (query.active === undefined || webhook.active === query.active)
  );
}

export class DynamoWebhookRepository implements WebhookStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(webhook: Webhook, maxPerTenant: number): Promise<void> {
    const pk = keys.tenant(webhook.tenantId);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { pk, sk: keys.webhookCount },
                UpdateExpression: 'ADD webhookCount :one',
                ConditionExpression: 'attribute_not_exists(webhookCount) OR webhookCount < :max',
                ExpressionAttributeValues: { ':one': 1, ':max': maxPerTenant },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { pk, sk: keys.webhook(webhook.id), ...webhook },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (cancelledByCondition(error, 0)) throw new LimitExceededError(maxPerTenant);
      throw error;
    }
  }

  async get(tenantId: string, id: string): Promise<Webhook | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.tenant(tenantId), sk: keys.webhook(id) } }),
    );
    return Item ? toWebhook(Item as WebhookItem) : undefined;
  }

  /**
   * Pages through the tenant's webhooks in id order. Filters are applied to what each Query returns, so
   * several Queries may be needed to fill a page; one more item than asked for tells whether more exist.
   */
  async list(tenantId: string, query: WebhookPageQuery): Promise<WebhookPage> {
    const found: Webhook[] = [];
    for await (const webhook of this.inIdOrder(tenantId, query.after, query.limit + 1)) {
      if (matches(webhook, query)) found.push(webhook);
      if (found.length > query.limit) break;
    }
    return { webhooks: found.slice(0, query.limit), hasMore: found.length > query.limit };
  }

  async listAll(tenantId: string): Promise<Webhook[]> {
    const webhooks: Webhook[] = [];
    for await (const webhook of this.inIdOrder(tenantId)) webhooks.push(webhook);
    return webhooks;
  }

  private async *inIdOrder(tenantId: string, after?: string, pageSize?: number): AsyncGenerator<Webhook> {
    const pk = keys.tenant(tenantId);
    let startKey: Record<string, unknown> | undefined = after ? { pk, sk: keys.webhook(after) } : undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.webhookPrefix },
          ExclusiveStartKey: startKey,
          Limit: pageSize,
        }),
      );
      for (const item of page.Items ?? []) yield toWebhook(item as WebhookItem);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  /** Several webhooks in one BatchGetItem per 100 (the deliver function reads a whole batch's webhooks at once). */
  async getMany(refs: readonly { tenantId: string; webhookId: string }[]): Promise<Webhook[]> {
    const found: Webhook[] = [];
    for (let start = 0; start < refs.length; start += 100) {
      const chunk = refs.slice(start, start + 100).map(({ tenantId, webhookId }) => ({ pk: keys.tenant(tenantId), sk: keys.webhook(webhookId) }));
      await untilProcessed(
        chunk,
        async (pending) => {
          const { Responses, UnprocessedKeys } = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }));
          found.push(...(Responses?.[this.tableName] ?? []).map((item) => toWebhook(item as WebhookItem)));
          return UnprocessedKeys?.[this.tableName]?.Keys as typeof pending | undefined;
        },
        'webhook reads',
      );
    }
    return found;
  }

  /** Switches a webhook off and says why (410 Gone, long failure); re-activating through the API clears the reason. */
  async disable(tenantId: string, id: string, reason: string, now: string): Promise<void> {
    await this.updateIfExists(tenantId, id, `SET active = :false, disabledReason = :reason, updatedAt = :now REMOVE ${HEALTH_FIELDS}`, {
      ':false': false,
      ':reason': reason,
      ':now': now,
    });
  }

  /**
   * Counts one failed attempt; the first of a run also starts the auto-disable clock. Answers the webhook as
   * stored now (undefined once deleted), so the breaker decides on the count every container adds to.
   */
  async recordFailure(tenantId: string, id: string, at: string): Promise<Webhook | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.tenant(tenantId), sk: keys.webhook(id) },
          UpdateExpression: 'ADD consecutiveFailures :one SET failingSince = if_not_exists(failingSince, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1, ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toWebhook(Attributes as WebhookItem) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Opens the breaker unless it is open already; true when this call opened it. */
  async openBreaker(tenantId: string, id: string, nextProbeAt: string, intervalSeconds: number): Promise<boolean> {
    return this.updateIfExists(
      tenantId,
      id,
      'SET nextProbeAt = :next, probeIntervalSeconds = :interval',
      { ':next': nextProbeAt, ':interval': intervalSeconds },
      'attribute_not_exists(nextProbeAt)',
    );
  }

  /** Moves the probe time on from the one observed; false when another container did first. */
  async claimProbe(tenantId: string, id: string, observed: string, nextProbeAt: string, intervalSeconds: number): Promise<boolean> {
    return this.updateIfExists(
      tenantId,
      id,
      'SET nextProbeAt = :next, probeIntervalSeconds = :interval',
      { ':next': nextProbeAt, ':interval': intervalSeconds, ':observed': observed },
      'nextProbeAt = :observed',
    );
  }

  /** The first success after failures: the count, the auto-disable clock and the breaker all reset. */
  async recordSuccess(tenantId: string, id: string): Promise<void> {
    await this.updateIfExists(tenantId, id, `REMOVE ${HEALTH_FIELDS}`);
  }

  /** Sends the webhook's deliveries through the slow lane until `until` (DESIGN §9, Isolation). */
  async markSlow(tenantId: string, id: string, until: string): Promise<void> {
    await this.updateIfExists(tenantId, id, 'SET slowLaneUntil = :until', { ':until': until });
  }

  /** False when the webhook is gone or the condition did not hold. */
  private async updateIfExists(tenantId: string, id: string, expression: string, values?: Record<string, unknown>, condition?: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.tenant(tenantId), sk: keys.webhook(id) },
          UpdateExpression: expression,
          ConditionExpression: condition ? `attribute_exists(pk) AND ${condition}` : 'attribute_exists(pk)',
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }

  /** Sets only the fields given, in one conditional UpdateItem, so concurrent updates of different fields all land. */
  async update(tenantId: string, id: string, changes: WebhookChanges): Promise<Webhook | undefined> {
    const set: string[] = ['updatedAt = :updatedAt'];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ':updatedAt': changes.updatedAt };
    const names: Record<string, string> = {};
    const assign = (field: 'url' | 'events' | 'active' | 'description' | 'filter', value: unknown) => {
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      set.push(`#${field} = :${field}`);
    };
    if (changes.url !== undefined) assign('url', changes.url);
    if (changes.events !== undefined) assign('events', changes.events);
    if (changes.active !== undefined) assign('active', changes.active);
    if (typeof changes.description === 'string') assign('description', changes.description);
    if (changes.description === null) remove.push('description');
    if (changes.filter) assign('filter', changes.filter);
    if (changes.filter === null) {
      // the attribute goes, rather than holding null, so fan-out sees no filter at all (FILTER is a reserved word)
      names['#filter'] = 'filter';
      remove.push('#filter');
    }
    if (changes.clearDisabledReason) remove.push('disabledReason');
    const expression = `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`;
    return this.updateExisting(tenantId, id, expression, values, Object.keys(names).length ? names : undefined);
  }

  /**
   * One conditional UpdateItem: SET reads the item as it was, so `previousSecret = secret` keeps the secret being
   * replaced, whatever a concurrent rotation does.
   */
  async rotateSecret(tenantId: string, id: string, { secret, previousSecretExpiresAt, updatedAt }: SecretRotation): Promise<Webhook | undefined> {
    if (!previousSecretExpiresAt) {
      return this.updateExisting(tenantId, id, 'SET secret = :secret, updatedAt = :updatedAt REMOVE previousSecret, previousSecretExpiresAt', {
        ':secret': secret,
        ':updatedAt': updatedAt,
      });
    }
    return this.updateExisting(tenantId, id, 'SET previousSecret = secret, previousSecretExpiresAt = :expiresAt, secret = :secret, updatedAt = :updatedAt', {
      ':secret': secret,
      ':expiresAt': previousSecretExpiresAt,
      ':updatedAt': updatedAt,
    });
  }

  /** One UpdateItem of an existing webhook, answering it as stored now; undefined when there is no such webhook. */
  private async updateExisting(
    tenantId: string,
    id: string,
    expression: string,
    values: Record<string, unknown>,
    names?: Record<string, string>,
  ): Promise<Webhook | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.tenant(tenantId), sk: keys.webhook(id) },
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toWebhook(Attributes as WebhookItem);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const pk = keys.tenant(tenantId);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: { pk, sk: keys.webhook(id) },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk, sk: keys.webhookCount },
                UpdateExpression: 'ADD webhookCount :minusOne',
                ExpressionAttributeValues: { ':minusOne': -1 },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancelledByCondition(error, 0)) return false;
      throw error;
    }
  }
}
