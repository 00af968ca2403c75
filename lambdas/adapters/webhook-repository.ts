import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { EndpointVerification } from '../core/webhooks/endpoint-verification';
import { LimitExceededError, TenantErasedError } from '../core/common/errors';
import { publicKeysOf } from '../core/webhooks/signing-keys';
import type { Webhook } from '../core/webhooks/webhook';
import type {
  SecretRotation,
  SigningKeyRotation,
  WebhookChanges,
  WebhookPage,
  WebhookPageQuery,
  WebhookStore,
} from '../core/webhooks/webhook-store';
import { queryItems } from './dynamo-pages';
import { cancelledByCondition, isConditionFailure } from './dynamo-support';
import { keys } from './table-keys';
import { certificateNoticeIndex, toWebhook, type WebhookItem } from './webhook-item';
import { raiseWebhooksVersion, webhooksVersion, WEBHOOKS_VERSION_ATTRIBUTE } from './webhooks-version';

function matches(webhook: Webhook, query: WebhookPageQuery): boolean {
  return (
    (query.event === undefined || webhook.events.includes(query.event)) &&
    (query.active === undefined || webhook.active === query.active)
  );
}

/**
 * The API's webhooks (and fan-out's list of a tenant's webhooks). Every read is strongly consistent and every
 * change raises the tenant's webhooks version (webhooks-version.ts) before the API answers: what the API said
 * is what the next fan-out and the next attempt use. The delivery health fields are written only by
 * webhook-health-repository.ts.
 */
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
                UpdateExpression: `ADD webhookCount :one, ${WEBHOOKS_VERSION_ATTRIBUTE} :one`,
                // a tenant being erased (its count item carries the erasure) takes no new webhook
                ConditionExpression:
                  '(attribute_not_exists(webhookCount) OR webhookCount < :max) AND attribute_not_exists(erasure)',
                ExpressionAttributeValues: { ':one': 1, ':max': maxPerTenant },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk,
                  sk: keys.webhook(webhook.id),
                  ...webhook,
                  ...certificateNoticeIndex(webhook.tls, webhook.createdAt),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...(webhook.signingKey ? [{ Put: this.publicKeysItem(webhook) }] : []),
          ],
        }),
      );
    } catch (error) {
      if (cancelledByCondition(error, 0)) {
        const erasure = (error as TransactionCanceledException).CancellationReasons?.[0]?.Item?.erasure?.S;
        throw erasure ? new TenantErasedError(webhook.tenantId, erasure) : new LimitExceededError(maxPerTenant);
      }
      throw error;
    }
  }

  async get(tenantId: string, id: string): Promise<Webhook | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.tenant(tenantId), sk: keys.webhook(id) },
        ConsistentRead: true,
      }),
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

  /** The tenant's webhooks version, as stored now, and its delivery settings (webhooks-version.ts). */
  version(tenantId: string): ReturnType<typeof webhooksVersion> {
    return webhooksVersion(this.client, this.tableName, tenantId);
  }

  async listAll(tenantId: string): Promise<Webhook[]> {
    const webhooks: Webhook[] = [];
    for await (const webhook of this.inIdOrder(tenantId)) webhooks.push(webhook);
    return webhooks;
  }

  private async *inIdOrder(tenantId: string, after?: string, pageSize?: number): AsyncGenerator<Webhook> {
    const pk = keys.tenant(tenantId);
    const items = queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.webhookPrefix },
      ExclusiveStartKey: after ? { pk, sk: keys.webhook(after) } : undefined,
      Limit: pageSize,
      ConsistentRead: true,
    });
    for await (const item of items) {
      const webhook = toWebhook(item as WebhookItem);
      if (webhook) yield webhook;
    }
  }

  /** Sets only the fields given, in one conditional UpdateItem, so concurrent updates of different fields all land. */
  async update(tenantId: string, id: string, changes: WebhookChanges): Promise<Webhook | undefined> {
    const set: string[] = ['updatedAt = :updatedAt'];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ':updatedAt': changes.updatedAt };
    const names: Record<string, string> = {};
    const assign = (
      field:
        | 'url'
        | 'destination'
        | 'events'
        | 'active'
        | 'description'
        | 'filter'
        | 'headers'
        | 'throttleRate'
        | 'throttleRateSince'
        | 'ordering'
        | 'auth'
        | 'tls'
        | 'verification',
      value: unknown,
    ) => {
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      set.push(`#${field} = :${field}`);
    };
    // a webhook has one destination: an HTTPS url or an AWS destination
    if (changes.url !== undefined) {
      assign('url', changes.url);
      remove.push('destination');
    }
    if (changes.destination !== undefined) {
      assign('destination', changes.destination);
      names['#url'] = 'url';
      remove.push('#url');
    }
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
    if (changes.headers && Object.keys(changes.headers).length) assign('headers', changes.headers);
    else if (changes.headers !== undefined) remove.push('headers');
    if (changes.ordering === 'fifo') assign('ordering', 'fifo');
    else if (changes.ordering === 'none') remove.push('ordering');
    if (changes.throttleRate) assign('throttleRate', changes.throttleRate);
    else if (changes.throttleRate === null) remove.push('throttleRate');
    if (changes.throttleRateSince) assign('throttleRateSince', changes.throttleRateSince);
    else if (changes.throttleRateSince === null) remove.push('throttleRateSince');
    if (changes.auth) assign('auth', changes.auth);
    else if (changes.auth === null) remove.push('auth');
    if (changes.tls) assign('tls', changes.tls);
    else if (changes.tls === null) remove.push('tls');
    // a new certificate has its own notices to come; none without one
    if (changes.tls !== undefined) {
      const notices = certificateNoticeIndex(changes.tls ?? undefined, changes.updatedAt);
      if (notices) {
        set.push('gsi1pk = :noticesPartition, gsi1sk = :noticeKey');
        Object.assign(values, { ':noticesPartition': notices.gsi1pk, ':noticeKey': notices.gsi1sk });
      } else remove.push('gsi1pk', 'gsi1sk');
    }
    if (changes.clearDisabledReason) remove.push('disabledReason');
    if (changes.signingKey) {
      // a webhook that has a key keeps it: asking for ed25519 twice changes nothing a receiver holds
      set.push('signingKey = if_not_exists(signingKey, :signingKey)');
      values[':signingKey'] = changes.signingKey;
    } else if (changes.signingKey === null)
      remove.push('signingKey', 'previousSigningKey', 'previousSigningKeyExpiresAt');
    if (changes.verification) assign('verification', changes.verification);
    else if (changes.verification === null) remove.push('verification');
    // secrets held in clear go; their sealed forms stay unless a rotation sealed newer ones meanwhile
    const { sealedSecret, previousSealedSecret } = changes.sealedClearSecrets ?? {};
    if (sealedSecret) {
      set.push('sealedSecret = if_not_exists(sealedSecret, :sealedSecret)');
      values[':sealedSecret'] = sealedSecret;
      remove.push('secret');
    }
    if (previousSealedSecret) {
      set.push('previousSealedSecret = if_not_exists(previousSealedSecret, :previousSealedSecret)');
      values[':previousSealedSecret'] = previousSealedSecret;
      remove.push('previousSecret');
    }
    const expression = `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`;
    const updated = await this.updateExisting(
      tenantId,
      id,
      expression,
      values,
      Object.keys(names).length ? names : undefined,
    );
    if (updated && changes.signingKey !== undefined) await this.publishPublicKeys(updated);
    if (updated && changes.throttleRate !== undefined)
      await this.forgetThrottleSlots(tenantId, id, changes.throttleRate);
    return updated;
  }

  /** As rotateSecret, for the ed25519 key; the condition makes sure there is a key to keep as the previous one. */
  async rotateSigningKey(
    tenantId: string,
    id: string,
    { signingKey, previousSigningKeyExpiresAt, updatedAt }: SigningKeyRotation,
  ): Promise<Webhook | undefined> {
    const rotated = previousSigningKeyExpiresAt
      ? await this.updateExisting(
          tenantId,
          id,
          'SET previousSigningKey = signingKey, previousSigningKeyExpiresAt = :expiresAt, signingKey = :key, ' +
            'updatedAt = :updatedAt',
          { ':key': signingKey, ':expiresAt': previousSigningKeyExpiresAt, ':updatedAt': updatedAt },
          undefined,
          'attribute_exists(signingKey)',
        )
      : await this.updateExisting(
          tenantId,
          id,
          'SET signingKey = :key, updatedAt = :updatedAt REMOVE previousSigningKey, previousSigningKeyExpiresAt',
          { ':key': signingKey, ':updatedAt': updatedAt },
          undefined,
          'attribute_exists(signingKey)',
        );
    if (rotated) await this.publishPublicKeys(rotated);
    return rotated;
  }

  /**
   * The public-keys item follows the webhook's keys, written right after the webhook (as the version is): the
   * public route reads only this item. A webhook without a key has none, so the route answers 404.
   */
  private async publishPublicKeys(webhook: Webhook): Promise<void> {
    if (webhook.signingKey) {
      await this.client.send(new PutCommand(this.publicKeysItem(webhook)));
      return;
    }
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: keys.publicKeys(webhook.id), sk: keys.publicKeysSort },
      }),
    );
  }

  private publicKeysItem(webhook: Webhook) {
    return {
      TableName: this.tableName,
      Item: { pk: keys.publicKeys(webhook.id), sk: keys.publicKeysSort, publicKeys: publicKeysOf(webhook) },
    };
  }

  /**
   * A new rate (or none) binds what is queued: the reservations made at another rate go (`TENANT#<t>` /
   * `THROTTLE#<id>`, written by the deliver functions' throttle repository), so the next delivery's slot is now at
   * the new rate, and deliveries holding a slot of the old rate reserve again when they come back. The same rate
   * again keeps them, or new slots would double up with the held ones.
   */
  private async forgetThrottleSlots(tenantId: string, id: string, rate: number | null): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: keys.tenant(tenantId), sk: keys.throttle(id) },
          ...(rate === null
            ? {}
            : { ConditionExpression: 'throttleRate <> :rate', ExpressionAttributeValues: { ':rate': rate } }),
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * One conditional UpdateItem: SET reads the item as it was, so `previousSealedSecret = sealedSecret` keeps the
   * secret being replaced, whatever a concurrent rotation does. A secret held in clear (stored before sealing) is
   * replaced by its sealed form and removed.
   */
  async rotateSecret(
    tenantId: string,
    id: string,
    { sealedSecret, previousSecretExpiresAt, sealedClearSecret, updatedAt }: SecretRotation,
  ): Promise<Webhook | undefined> {
    if (!previousSecretExpiresAt) {
      return this.updateExisting(
        tenantId,
        id,
        'SET sealedSecret = :secret, updatedAt = :updatedAt ' +
          'REMOVE secret, previousSecret, previousSealedSecret, previousSecretExpiresAt',
        { ':secret': sealedSecret, ':updatedAt': updatedAt },
      );
    }
    return this.updateExisting(
      tenantId,
      id,
      `SET previousSealedSecret = ${sealedClearSecret ? 'if_not_exists(sealedSecret, :clear)' : 'sealedSecret'}, ` +
        'previousSecretExpiresAt = :expiresAt, sealedSecret = :secret, updatedAt = :updatedAt ' +
        'REMOVE secret, previousSecret',
      {
        ':secret': sealedSecret,
        ':expiresAt': previousSecretExpiresAt,
        ':updatedAt': updatedAt,
        ...(sealedClearSecret ? { ':clear': sealedClearSecret } : {}),
      },
    );
  }

  /** One conditional UpdateItem: a run started by someone else meanwhile wins, and this one is not started. */
  async restartVerification(
    tenantId: string,
    id: string,
    currentId: string | undefined,
    next: EndpointVerification,
    updatedAt: string,
  ): Promise<Webhook | undefined> {
    return this.updateExisting(
      tenantId,
      id,
      'SET verification = :next, updatedAt = :updatedAt',
      { ':next': next, ':updatedAt': updatedAt, ...(currentId ? { ':current': currentId } : {}) },
      undefined,
      currentId ? 'verification.id = :current' : 'attribute_not_exists(verification)',
    );
  }

  /**
   * One UpdateItem of an existing webhook, then the version raised; the webhook as stored now, undefined when there is
   * no such webhook.
   */
  private async updateExisting(
    tenantId: string,
    id: string,
    expression: string,
    values: Record<string, unknown>,
    names?: Record<string, string>,
    condition?: string,
  ): Promise<Webhook | undefined> {
    let Attributes: Record<string, unknown> | undefined;
    try {
      ({ Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.tenant(tenantId), sk: keys.webhook(id) },
          UpdateExpression: expression,
          // a tombstone (its tenant is being erased) is no webhook to change
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(erasure)${
            condition ? ` AND ${condition}` : ''
          }`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      ));
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
    await raiseWebhooksVersion(this.client, this.tableName, tenantId);
    return toWebhook(Attributes as unknown as WebhookItem);
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
                // a tombstone stays until its erasure removes it
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(erasure)',
              },
            },
            // its public keys go with it (none is fine: a delete of nothing)
            {
              Delete: { TableName: this.tableName, Key: { pk: keys.publicKeys(id), sk: keys.publicKeysSort } },
            },
            // its throttle reservations, if it had a rate: nothing of a deleted webhook stays behind
            { Delete: { TableName: this.tableName, Key: { pk, sk: keys.throttle(id) } } },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk, sk: keys.webhookCount },
                UpdateExpression: `ADD webhookCount :minusOne, ${WEBHOOKS_VERSION_ATTRIBUTE} :one`,
                ExpressionAttributeValues: { ':minusOne': -1, ':one': 1 },
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
