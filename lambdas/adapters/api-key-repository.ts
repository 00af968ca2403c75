import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord } from '../core/access/api-keys';
import { queryItems, scanItems } from './dynamo-pages';
import { isConditionFailure } from './dynamo-support';
import { keys } from './table-keys';

type ApiKeyItem = ApiKeyRecord & { pk: string; sk: string };

function toRecord({ pk: _pk, sk: _sk, ...record }: ApiKeyItem): ApiKeyRecord {
  return record;
}

export class DynamoApiKeyRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The key and the tenant's reference to it, in one transaction; the reference expires with a portal token. */
  async put(record: ApiKeyRecord): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { pk: keys.apiKey(record.keyHash), sk: keys.apiKeySort, ...record },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                pk: keys.tenant(record.tenantId),
                sk: keys.tenantApiKey(record.keyHash),
                keyHash: record.keyHash,
                ...(record.expiresAt !== undefined ? { expiresAt: record.expiresAt } : {}),
              },
            },
          },
        ],
      }),
    );
  }

  /** The tenant's references (one Query), then the keys themselves (BatchGetItem, 100 at a time) for their state. */
  async listOfTenant(tenantId: string): Promise<ApiKeyRecord[]> {
    const references = queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.tenant(tenantId), ':prefix': keys.tenantApiKeyPrefix },
      ProjectionExpression: 'keyHash',
    });
    const hashes: string[] = [];
    for await (const reference of references) hashes.push(reference.keyHash as string);
    const records: ApiKeyRecord[] = [];
    for (let start = 0; start < hashes.length; start += 100) {
      let requested: Record<string, unknown>[] | undefined = hashes
        .slice(start, start + 100)
        .map((hash) => ({ pk: keys.apiKey(hash), sk: keys.apiKeySort }));
      while (requested?.length) {
        const answer: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: requested } } }),
        );
        records.push(...(answer.Responses?.[this.tableName] ?? []).map((item) => toRecord(item as ApiKeyItem)));
        requested = answer.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return records
      .filter((record) => record.tenantId === tenantId)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async find(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.apiKey(keyHash), sk: keys.apiKeySort } }),
    );
    return Item ? toRecord(Item as ApiKeyItem) : undefined;
  }

  /** Operator tooling only (the CLI), never on a request path: keys are few, so a filtered Scan is fine. */
  async listAll(): Promise<ApiKeyRecord[]> {
    const items = scanItems(this.client, {
      TableName: this.tableName,
      FilterExpression: 'sk = :sk',
      ExpressionAttributeValues: { ':sk': keys.apiKeySort },
    });
    const records: ApiKeyRecord[] = [];
    for await (const item of items) records.push(toRecord(item as ApiKeyItem));
    return records;
  }

  /** False when no such key exists, or it is not `tenantId`'s. */
  async revoke(keyHash: string, revokedAt: string, tenantId?: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.apiKey(keyHash), sk: keys.apiKeySort },
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
          ConditionExpression:
            tenantId === undefined ? 'attribute_exists(pk)' : 'attribute_exists(pk) AND tenantId = :tenantId',
          ExpressionAttributeValues: {
            ':now': revokedAt,
            ...(tenantId === undefined ? {} : { ':tenantId': tenantId }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
