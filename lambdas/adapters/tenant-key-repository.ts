import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantKeyStore } from '../core/common/tenant-key-sealer';
import { isConditionFailure } from './dynamo-support';
import { keys } from './table-keys';

/**
 * A tenant's signing-secret data key, encrypted under the SecretsKey (`TENANT#<t>` / `SECRETSKEY`): put once, by
 * the first API call that seals one of the tenant's secrets, and never changed, so a container may keep it for its
 * lifetime. It sits in the tenant's partition, so whatever removes a tenant's items removes it too.
 */
export class DynamoTenantKeyRepository implements TenantKeyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private key(tenantId: string) {
    return { pk: keys.tenant(tenantId), sk: keys.tenantSecretsKey };
  }

  async read(tenantId: string): Promise<Uint8Array | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(tenantId), ConsistentRead: true }),
    );
    return Item?.encryptedKey instanceof Uint8Array ? Item.encryptedKey : undefined;
  }

  async keep(tenantId: string, encrypted: Uint8Array): Promise<Uint8Array> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...this.key(tenantId), encryptedKey: encrypted },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return encrypted;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // another call made the tenant's key first: that one stays
      const kept = await this.read(tenantId);
      if (!kept) throw new Error("the tenant's data key was neither kept nor found");
      return kept;
    }
  }
}
