import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PublicKeyStore } from '../core/signing/public-key-service';
import type { PublishedPublicKey } from '../core/webhooks/signing-keys';
import { keys } from './table-keys';

/** Reads a webhook's public-keys item (written by webhook-repository.ts with the webhook's keys). */
export class DynamoPublicKeyRepository implements PublicKeyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(webhookId: string): Promise<PublishedPublicKey[] | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.publicKeys(webhookId), sk: keys.publicKeysSort },
        ProjectionExpression: 'publicKeys',
        // a rotation's new key must be what the next fetch returns
        ConsistentRead: true,
      }),
    );
    return Item?.publicKeys as PublishedPublicKey[] | undefined;
  }
}
