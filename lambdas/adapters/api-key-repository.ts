import { GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord } from '../core/api-keys';
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

  async put(record: ApiKeyRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keys.apiKey(record.keyHash), sk: keys.apiKeySort, ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async find(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.apiKey(keyHash), sk: keys.apiKeySort } }),
    );
    return Item ? toRecord(Item as ApiKeyItem) : undefined;
  }

  /** Operator tooling only (the CLI), never on a request path: keys are few, so a filtered Scan is fine. */
  async listAll(): Promise<ApiKeyRecord[]> {
    const records: ApiKeyRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'sk = :sk',
          ExpressionAttributeValues: { ':sk': keys.apiKeySort },
          ExclusiveStartKey: startKey,
        }),
      );
      records.push(...(page.Items ?? []).map((item) => toRecord(item as ApiKeyItem)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  /** False when no such key exists. */
  async revoke(keyHash: string, revokedAt: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.apiKey(keyHash), sk: keys.apiKeySort },
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': revokedAt },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
