import {
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { Erasure } from '../core/access/erasure-resources';
import {
  type ErasedKind,
  type ErasurePage,
  type ErasurePhase,
  type ErasureStatus,
  type ErasureStore,
} from '../core/access/tenant-erasure';
import { TABLE } from '../platform-settings';
import { batchGetAll } from './dynamo-batch-get';
import { queryItems } from './dynamo-pages';
import { untilProcessed, updateIfExists } from './dynamo-support';
import { keys } from './table-keys';
import { WEBHOOKS_VERSION_ATTRIBUTE } from './webhooks-version';

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;

/** The attribute that makes a webhook item a tombstone (webhook-item.ts reads such an item as no webhook). */
export const ERASURE_TOMBSTONE_ATTRIBUTE = 'erasure';

const recordKey = (erasureId: string): Key => ({ pk: keys.erasure(erasureId), sk: keys.erasureSort });
const markerKey = (tenantId: string): Key => ({ pk: keys.erasureMarkers, sk: keys.tenantItem(tenantId) });
const tenantItemKey = (tenantId: string): Key => ({ pk: keys.tenants, sk: keys.tenantItem(tenantId) });
const BATCH_WRITE_LIMIT = 25;

/** What each sort key under `TENANT#<t>` is (table-keys.ts); a key reference goes with its key, uncounted. */
function tenantItemKind(sk: string): ErasedKind | 'keyReference' {
  if (sk.startsWith(keys.webhookPrefix)) return 'webhooks';
  if (sk.startsWith(keys.tenantApiKeyPrefix)) return 'keyReference';
  if (sk.startsWith('THROTTLE#')) return 'throttleSlots';
  if (sk.startsWith('OAUTH2TOKEN#')) return 'oauth2Tokens';
  if (sk.startsWith('RECOVERY#')) return 'recoveryLocks';
  if (sk.startsWith('MANUAL#')) return 'manualAttemptCounters';
  if (sk === keys.webhookCount) return 'webhookCount';
  if (sk === keys.tenantSecretsKey) return 'signingSecretsKey';
  return 'other';
}

const keyText = (key: Key) => `${key.pk}|${key.sk}`;

function toErasure({ pk: _pk, sk: _sk, lastPageKeys: _keys, pages: _pages, ...item }: Item): Erasure {
  return item as unknown as Erasure;
}

/**
 * The erasure records (`ERASURE#<id>`), the tenants' erasure markers (`ERASURES` / `TENANT#<t>`) and the deletes of
 * a tenant's items, wherever the key layout (table-keys.ts) puts them: its events (found through the EventsByTime
 * index) with their delivery records, its webhooks' logs, its own partition, its keys and public keys, its item.
 */
export class DynamoErasureRepository implements ErasureStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async start(erasure: Erasure): Promise<{ started: true } | { started: false; runningErasureId: string }> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...recordKey(erasure.erasureId), ...erasure },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...markerKey(erasure.tenantId), erasureId: erasure.erasureId, status: 'running' },
                ConditionExpression: 'attribute_not_exists(pk) OR #status = :completed',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':completed': 'completed' },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ],
        }),
      );
      return { started: true };
    } catch (error) {
      const refused = error instanceof TransactionCanceledException ? error.CancellationReasons?.[1] : undefined;
      if (refused?.Code !== 'ConditionalCheckFailed') throw error;
      return { started: false, runningErasureId: String(refused.Item?.erasureId?.S ?? 'unknown') };
    }
  }

  async seal(tenantId: string, erasureId: string): Promise<string[]> {
    const pk = keys.tenant(tenantId);
    const webhookItems = await this.queryAll(pk, keys.webhookPrefix);
    const webhookIds = webhookItems.map((item) => item.sk.slice(keys.webhookPrefix.length));
    await Promise.all(
      webhookItems.map((key) =>
        updateIfExists(this.client, {
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `SET #tombstone = :erasure`,
          ExpressionAttributeNames: { '#tombstone': ERASURE_TOMBSTONE_ATTRIBUTE },
          ExpressionAttributeValues: { ':erasure': erasureId },
        }),
      ),
    );
    // the count item carries the erasure too (a create is refused), and its version is raised: fan-out re-reads the
    // tenant's webhooks, and finds none, from its next batch
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk, sk: keys.webhookCount },
        UpdateExpression: `SET #tombstone = :erasure ADD ${WEBHOOKS_VERSION_ATTRIBUTE} :one`,
        ExpressionAttributeNames: { '#tombstone': ERASURE_TOMBSTONE_ATTRIBUTE },
        ExpressionAttributeValues: { ':erasure': erasureId, ':one': 1 },
      }),
    );
    const now = new Date().toISOString();
    const references = await this.queryAll(pk, keys.tenantApiKeyPrefix);
    await Promise.all(
      references.map(({ sk }) =>
        updateIfExists(this.client, {
          TableName: this.tableName,
          Key: { pk: keys.apiKey(sk.slice(keys.tenantApiKeyPrefix.length)), sk: keys.apiKeySort },
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: recordKey(erasureId),
        UpdateExpression: 'SET webhookIds = :ids',
        ExpressionAttributeValues: { ':ids': webhookIds },
      }),
    );
    return webhookIds;
  }

  async get(erasureId: string): Promise<Erasure | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: recordKey(erasureId), ConsistentRead: true }),
    );
    return Item ? toErasure(Item) : undefined;
  }

  async markerOf(tenantId: string): Promise<{ erasureId: string; status: ErasureStatus } | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: markerKey(tenantId), ConsistentRead: true }),
    );
    return Item ? { erasureId: Item.erasureId as string, status: Item.status as ErasureStatus } : undefined;
  }

  async nextPage(erasure: Erasure, phase: ErasurePhase, limit: number): Promise<ErasurePage<Key>> {
    return { items: await this.pageItems(erasure, phase, limit) };
  }

  private async pageItems(erasure: Erasure, phase: ErasurePhase, limit: number): Promise<ErasurePage<Key>['items']> {
    const { tenantId } = erasure;
    switch (phase) {
      case 'events':
        return this.eventsPage(erasure, limit);
      case 'deliveries':
        for (const webhookId of erasure.webhookIds) {
          const records = await this.queryKeys(keys.webhook(webhookId), undefined, limit);
          if (records.length > 0) return records.map((key) => ({ key, kind: 'deliveries' as const }));
        }
        return [];
      case 'tenantItems':
        return this.tenantPartitionPage(tenantId, limit);
      case 'tenant': {
        const { Item } = await this.client.send(
          new GetCommand({ TableName: this.tableName, Key: tenantItemKey(tenantId), ConsistentRead: true }),
        );
        return Item ? [{ key: tenantItemKey(tenantId), kind: 'tenant' }] : [];
      }
    }
  }

  /** A page of the tenant's events, each with the delivery records it has under any webhook it went to. */
  private async eventsPage(erasure: Erasure, limit: number): Promise<ErasurePage<Key>['items']> {
    const { indexName, partitionKey, partitionPrefix } = TABLE.eventsByTime;
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: indexName,
        KeyConditionExpression: '#gpk = :gpk',
        ExpressionAttributeNames: { '#gpk': partitionKey },
        ExpressionAttributeValues: { ':gpk': `${partitionPrefix}${erasure.tenantId}` },
        // each event brings a record per webhook: the page stays about `limit` items
        Limit: Math.max(1, Math.floor(limit / (1 + erasure.webhookIds.length))),
      }),
    );
    const events = await this.batchGet(
      Items.map((item) => ({ pk: item.pk as string, sk: item.sk as string })),
      ['pk', 'sk', 'eventId', 'receivedAt', 'webhookIds'],
    );
    const candidates = events.flatMap((event) =>
      [...new Set([...erasure.webhookIds, ...((event.webhookIds as string[] | undefined) ?? [])])].map((webhookId) => ({
        pk: keys.webhook(webhookId),
        sk: keys.deliveryAt(event.receivedAt as string, event.eventId as string),
      })),
    );
    const records = await this.batchGet(candidates, ['pk', 'sk']);
    // the events last: they are how their records are found (remove deletes in this order)
    return [
      ...records.map((record) => ({ key: keyOf(record), kind: 'deliveries' as const })),
      ...events.map((event) => ({ key: keyOf(event), kind: 'events' as const })),
    ];
  }

  /** A page of the tenant's own partition, with the keys its key references point to and its webhooks' public keys. */
  private async tenantPartitionPage(tenantId: string, limit: number): Promise<ErasurePage<Key>['items']> {
    const page = await this.queryKeys(keys.tenant(tenantId), undefined, limit);
    const items: ErasurePage<Key>['items'] = [];
    const keyItems = await this.batchGet(
      page
        .filter(({ sk }) => sk.startsWith(keys.tenantApiKeyPrefix))
        .map(({ sk }) => ({ pk: keys.apiKey(sk.slice(keys.tenantApiKeyPrefix.length)), sk: keys.apiKeySort })),
      ['pk', 'sk', 'kind'],
    );
    const publicKeys = await this.batchGet(
      page
        .filter(({ sk }) => sk.startsWith(keys.webhookPrefix))
        .map(({ sk }) => ({ pk: keys.publicKeys(sk.slice(keys.webhookPrefix.length)), sk: keys.publicKeysSort })),
      ['pk', 'sk'],
    );
    // the keys and public keys first: the references and webhooks they are found through go last
    for (const item of keyItems)
      items.push({ key: keyOf(item), kind: item.kind === 'portal-token' ? 'portalTokens' : 'apiKeys' });
    for (const item of publicKeys) items.push({ key: keyOf(item), kind: 'publicKeys' });
    for (const key of page) {
      const kind = tenantItemKind(key.sk);
      // the reference is the key's own index: it goes with the key and is not counted apart
      items.push(kind === 'keyReference' ? { key } : { key, kind });
    }
    return items;
  }

  async countOnce(erasureId: string, phase: ErasurePhase, page: ErasurePage): Promise<void> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: recordKey(erasureId),
        ConsistentRead: true,
        ProjectionExpression: 'lastPageKeys, pages',
      }),
    );
    const previous = new Set((Item?.lastPageKeys as string[] | undefined) ?? []);
    const seen = (Item?.pages as number | undefined) ?? 0;
    const counts = new Map<ErasedKind, number>();
    for (const { key, kind } of page.items)
      if (kind && !previous.has(keyText(key as Key))) counts.set(kind, (counts.get(kind) ?? 0) + 1);
    const adds = [...counts.keys()].map((kind) => `removed.#${kind} :${kind}`);
    // one run at a time writes the record: a duplicate job's run that counted meanwhile makes this one fail and retry
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: recordKey(erasureId),
        UpdateExpression: `SET phase = :phase, lastPageKeys = :keys, pages = :next${
          adds.length ? ` ADD ${adds.join(', ')}` : ''
        }`,
        ConditionExpression: seen === 0 ? 'attribute_not_exists(pages)' : 'pages = :seen',
        ...(counts.size
          ? { ExpressionAttributeNames: Object.fromEntries([...counts.keys()].map((kind) => [`#${kind}`, kind])) }
          : {}),
        ExpressionAttributeValues: {
          ':phase': phase,
          ':keys': page.items.map(({ key }) => keyText(key as Key)),
          ':next': seen + 1,
          ...(seen === 0 ? {} : { ':seen': seen }),
          ...Object.fromEntries([...counts].map(([kind, count]) => [`:${kind}`, count])),
        },
      }),
    );
  }

  /**
   * Deletes the page in its order, 25 to a request: what is found through another item (a delivery record through
   * its event, a key through its reference) before that item, so a run that stops half-way leaves the rest findable
   * on the next page, which counts none of them again (countOnce).
   */
  async remove(page: ErasurePage): Promise<void> {
    const ordered = page.items.map(({ key }) => key as Key);
    for (let start = 0; start < ordered.length; start += BATCH_WRITE_LIMIT) {
      await untilProcessed(
        ordered.slice(start, start + BATCH_WRITE_LIMIT).map((key) => ({ DeleteRequest: { Key: key } })),
        async (pending) => {
          const { UnprocessedItems } = await this.client.send(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
          );
          return UnprocessedItems?.[this.tableName] as typeof pending | undefined;
        },
        'erased items',
      );
    }
  }

  async itemsLeft(erasure: Erasure): Promise<number> {
    const { indexName, partitionKey, partitionPrefix } = TABLE.eventsByTime;
    const count = async (input: ConstructorParameters<typeof QueryCommand>[0]) =>
      (await this.client.send(new QueryCommand({ ...input, Select: 'COUNT' }))).Count ?? 0;
    const counts = await Promise.all([
      count({
        TableName: this.tableName,
        IndexName: indexName,
        KeyConditionExpression: '#gpk = :gpk',
        ExpressionAttributeNames: { '#gpk': partitionKey },
        ExpressionAttributeValues: { ':gpk': `${partitionPrefix}${erasure.tenantId}` },
      }),
      count({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.tenant(erasure.tenantId) },
        ConsistentRead: true,
      }),
      ...erasure.webhookIds.map((webhookId) =>
        count({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.webhook(webhookId) },
          ConsistentRead: true,
        }),
      ),
      this.batchGet(
        [
          tenantItemKey(erasure.tenantId),
          ...erasure.webhookIds.map((id) => ({ pk: keys.publicKeys(id), sk: keys.publicKeysSort })),
        ],
        ['pk'],
      ).then((items) => items.length),
    ]);
    return counts.reduce((sum, n) => sum + n, 0);
  }

  async finish(erasureId: string, check: { itemsLeft: number; checkedAt: string }): Promise<void> {
    const erasure = await this.get(erasureId);
    if (!erasure) return;
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: recordKey(erasureId),
              UpdateExpression: 'SET #status = :completed, finishedAt = :at, #check = :check REMOVE lastPageKeys',
              ExpressionAttributeNames: { '#status': 'status', '#check': 'check' },
              ExpressionAttributeValues: { ':completed': 'completed', ':at': check.checkedAt, ':check': check },
            },
          },
          {
            Update: {
              TableName: this.tableName,
              Key: markerKey(erasure.tenantId),
              UpdateExpression: 'SET #status = :completed',
              ConditionExpression: 'erasureId = :id',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':completed': 'completed', ':id': erasureId },
            },
          },
        ],
      }),
    );
  }

  private async queryAll(pk: string, prefix: string): Promise<Key[]> {
    const items = queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    });
    const found: Key[] = [];
    for await (const item of items) found.push(keyOf(item));
    return found;
  }

  private async queryKeys(pk: string, prefix: string | undefined, limit: number): Promise<Key[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':prefix': prefix } : {}) },
        ProjectionExpression: 'pk, sk',
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return Items.map(keyOf);
  }

  private batchGet(wanted: Key[], attributes: readonly string[]): Promise<Item[]> {
    const unique = [...new Map(wanted.map((key) => [`${key.pk}|${key.sk}`, key])).values()];
    return batchGetAll(
      this.client,
      this.tableName,
      unique,
      {
        ConsistentRead: true,
        ProjectionExpression: attributes.map((_, index) => `#a${index}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(attributes.map((name, index) => [`#a${index}`, name])),
      },
      'erasure reads',
    );
  }
}

const keyOf = (item: Item): Key => ({ pk: item.pk as string, sk: item.sk as string });
