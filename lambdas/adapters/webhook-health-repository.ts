import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryTask } from '../core/delivery/delivery';
import type { WebhookHealthStore } from '../core/delivery/webhook-health';
import type { Webhook } from '../core/webhooks/webhook';
import { batchGetAll } from './dynamo-batch-get';
import { isConditionFailure } from './dynamo-support';
import { keys } from './table-keys';
import { toWebhook, type WebhookItem } from './webhook-item';
import { raiseWebhooksVersion } from './webhooks-version';

/** What the delivery path keeps of a webhook's health (auto-disable clock, failure count, breaker). */
const HEALTH_FIELDS = 'failingSince, consecutiveFailures, nextProbeAt, probeIntervalSeconds';

/**
 * The deliver functions' view of webhooks: the one reader of the webhooks a batch names and the one writer of
 * their health. It keeps nothing between batches: each batch reads its webhooks with one strongly consistent
 * BatchGetItem, so an attempt begun after the API answered a change (URL, secret, pause, delete) uses it.
 */
export class DynamoWebhookHealthRepository implements WebhookHealthStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The webhooks the tasks name, as stored now (absent: deleted), one BatchGetItem per 100. */
  async current(tasks: readonly DeliveryTask[]): Promise<Map<string, Webhook | undefined>> {
    const refs = new Map(
      tasks.map((task) => [task.webhookId, { pk: keys.tenant(task.tenantId), sk: keys.webhook(task.webhookId) }]),
    );
    const current = new Map<string, Webhook | undefined>([...refs.keys()].map((webhookId) => [webhookId, undefined]));
    const items = await batchGetAll(
      this.client,
      this.tableName,
      [...refs.values()],
      { ConsistentRead: true },
      'webhook reads',
    );
    for (const item of items) {
      const webhook = toWebhook(item as WebhookItem);
      if (webhook) current.set(webhook.id, webhook);
    }
    return current;
  }

  /**
   * Switches the webhook off, then raises the tenant's webhooks version as an API change does, so fan-out stops
   * at once (were the raise to fail, deliver still parks the deliveries of a disabled webhook: it reads each batch's
   * webhooks afresh).
   */
  async disable(webhook: Webhook, reason: string, at: string): Promise<void> {
    const disabled = await this.update(
      webhook,
      `SET active = :false, disabledReason = :reason, updatedAt = :at REMOVE ${HEALTH_FIELDS}`,
      {
        ':false': false,
        ':reason': reason,
        ':at': at,
      },
    );
    if (disabled) await raiseWebhooksVersion(this.client, this.tableName, webhook.tenantId);
  }

  async recordFailure(webhook: Webhook, at: string): Promise<Webhook | undefined> {
    const stored = await this.update(
      webhook,
      'ADD consecutiveFailures :one SET failingSince = if_not_exists(failingSince, :at)',
      { ':one': 1, ':at': at },
    );
    return stored === false ? undefined : stored;
  }

  async openBreaker(webhook: Webhook, nextProbeAt: string, intervalSeconds: number): Promise<boolean> {
    const values = { ':next': nextProbeAt, ':interval': intervalSeconds };
    return (
      (await this.update(
        webhook,
        'SET nextProbeAt = :next, probeIntervalSeconds = :interval',
        values,
        'attribute_not_exists(nextProbeAt)',
      )) !== false
    );
  }

  async claimProbe(webhook: Webhook, observed: string, nextProbeAt: string, intervalSeconds: number): Promise<boolean> {
    const values = { ':next': nextProbeAt, ':interval': intervalSeconds, ':observed': observed };
    return (
      (await this.update(
        webhook,
        'SET nextProbeAt = :next, probeIntervalSeconds = :interval',
        values,
        'nextProbeAt = :observed',
      )) !== false
    );
  }

  async recordSuccess(webhook: Webhook): Promise<void> {
    await this.update(webhook, `REMOVE ${HEALTH_FIELDS}`);
  }

  async markSlow(webhook: Webhook, until: string): Promise<void> {
    await this.update(webhook, 'SET slowLaneUntil = :until', { ':until': until });
  }

  /**
   * The ordered lane forwarded the webhook's deliveries through `position` to the slow ordered lane: recorded before
   * they are sent, and never moved back (a late write of an earlier position changes nothing).
   */
  async noteForwarded(webhook: Webhook, position: string): Promise<void> {
    await this.raisePosition(webhook, 'slowOrderedForwardedThrough', position);
  }

  /** The slow ordered lane settled the webhook's deliveries through `position` (never moved back either). */
  async noteSettled(webhook: Webhook, position: string): Promise<void> {
    await this.raisePosition(webhook, 'slowOrderedSettledThrough', position);
  }

  private async raisePosition(webhook: Webhook, field: string, position: string): Promise<void> {
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.keyOf(webhook),
          UpdateExpression: 'SET #field = :position',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#field) OR #field < :position)',
          ExpressionAttributeNames: { '#field': field },
          ExpressionAttributeValues: { ':position': position },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  private keyOf(webhook: Webhook) {
    return { pk: keys.tenant(webhook.tenantId), sk: keys.webhook(webhook.id) };
  }

  /**
   * One conditional UpdateItem of an existing webhook: the webhook as stored now, or false when it is gone or the
   * condition did not hold.
   */
  private async update(
    webhook: Webhook,
    expression: string,
    values?: Record<string, unknown>,
    condition?: string,
  ): Promise<Webhook | false> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.keyOf(webhook),
          UpdateExpression: expression,
          ConditionExpression: condition ? `attribute_exists(pk) AND ${condition}` : 'attribute_exists(pk)',
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toWebhook(Attributes as WebhookItem) ?? false;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }
}
