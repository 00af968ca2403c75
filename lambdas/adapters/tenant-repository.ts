import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  limitsOf,
  type DeploymentLimits,
  type Tenant,
  type TenantLimits,
  type TenantSettings,
} from '../core/access/tenants';
import type { TenantFootprint, TenantStore } from '../core/access/tenant-service';
import { keys } from './table-keys';

type TenantItem = Tenant & { pk: string; sk: string };

function toTenant({ pk: _pk, sk: _sk, ...tenant }: TenantItem): Tenant {
  return { ...tenant, settings: tenant.settings ?? {} };
}

/** The tenant items, `TENANTS` / `TENANT#<id>` (docs/design.md §16), and what the tenant's partition holds. */
export class DynamoTenantRepository implements TenantStore, TenantFootprint {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string): Promise<Tenant | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.tenants, sk: keys.tenantItem(tenantId) },
        ConsistentRead: true,
      }),
    );
    return Item ? toTenant(Item as TenantItem) : undefined;
  }

  async put(
    tenantId: string,
    { name, settings }: { name?: string; settings?: TenantSettings },
    now: string,
  ): Promise<{ tenant: Tenant; created: boolean }> {
    const assignments = ['id = :id', 'createdAt = if_not_exists(createdAt, :now)', 'updatedAt = :now'];
    const values: Record<string, unknown> = { ':id': tenantId, ':now': now };
    if (name !== undefined) {
      assignments.push('#name = :name');
      values[':name'] = name;
    }
    // settings replace the tenant's settings as a whole; absent, they are kept (or start empty)
    assignments.push(settings === undefined ? 'settings = if_not_exists(settings, :empty)' : 'settings = :settings');
    values[settings === undefined ? ':empty' : ':settings'] = settings ?? {};
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.tenants, sk: keys.tenantItem(tenantId) },
        UpdateExpression: `SET ${assignments.join(', ')}`,
        ...(name !== undefined ? { ExpressionAttributeNames: { '#name': 'name' } } : {}),
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    const tenant = toTenant(Attributes as TenantItem);
    return { tenant, created: tenant.createdAt === now };
  }

  async list({ limit, after }: { limit: number; after?: string }): Promise<{ tenants: Tenant[]; hasMore: boolean }> {
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: after ? 'pk = :pk AND sk > :after' : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': keys.tenants,
          ...(after ? { ':after': keys.tenantItem(after) } : { ':prefix': keys.tenantItemPrefix }),
        },
        Limit: limit,
      }),
    );
    return { tenants: Items.map((item) => toTenant(item as TenantItem)), hasMore: LastEvaluatedKey !== undefined };
  }

  async webhookCount(tenantId: string): Promise<number> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.tenant(tenantId), sk: keys.webhookCount },
        ConsistentRead: true,
      }),
    );
    return (Item?.webhookCount as number | undefined) ?? 0;
  }

  async hasApiKeys(tenantId: string): Promise<boolean> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.tenant(tenantId), ':prefix': keys.tenantApiKeyPrefix },
        Limit: 1,
      }),
    );
    return Items.length > 0;
  }
}

/**
 * A tenant's limits: its tenant item read with a strongly consistent GetItem on every call, never cached, so a
 * changed setting binds from the next request after the answer (docs/design.md §16).
 */
export function tenantLimitsReader(
  client: DynamoDBDocumentClient,
  tableName: string,
  deployment: DeploymentLimits,
): (tenantId: string) => Promise<TenantLimits> {
  const tenants = new DynamoTenantRepository(client, tableName);
  return async (tenantId) => limitsOf(await tenants.get(tenantId), deployment);
}
