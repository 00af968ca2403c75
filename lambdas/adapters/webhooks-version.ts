import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantDeliverySettings } from '../core/access/tenants';
import { keys } from './table-keys';

/**
 * Each tenant's webhooks have a version, kept on the tenant's webhook-count item and raised after every change
 * the API or the platform makes to any of them (create, update, rotation, delete, disable). Fan-out reads it
 * with one strongly consistent GetItem per tenant and batch and keeps the tenant's webhooks only as long as it
 * is unchanged, so a change the API has answered is seen by the very next fan-out.
 */
export const WEBHOOKS_VERSION_ATTRIBUTE = 'webhooksVersion';

/**
 * The delivery part of the tenant's settings (TenantDeliverySettings), copied onto the same item by the tenant
 * repository (its only writer) when the team's backend sets them: the version read per batch then carries them, so
 * they cost fan-out no request and no read unit, and deliver none at all.
 */
export const DELIVERY_SETTINGS_ATTRIBUTE = 'deliverySettings';

const counterKey = (tenantId: string) => ({ pk: keys.tenant(tenantId), sk: keys.webhookCount });

/**
 * Raises the version after a change of one webhook (update, rotation, the platform's disable); create and delete
 * raise it in their own transaction, with the webhook count.
 */
export async function raiseWebhooksVersion(
  client: DynamoDBDocumentClient,
  tableName: string,
  tenantId: string,
): Promise<void> {
  await client.send(
    new UpdateCommand({
      TableName: tableName,
      Key: counterKey(tenantId),
      UpdateExpression: `ADD ${WEBHOOKS_VERSION_ATTRIBUTE} :one`,
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );
}

/** The version as stored now (0 before the tenant's first webhook), and the tenant's delivery settings. */
export async function webhooksVersion(
  client: DynamoDBDocumentClient,
  tableName: string,
  tenantId: string,
): Promise<{ version: number; delivery: TenantDeliverySettings }> {
  const { Item } = await client.send(
    new GetCommand({
      TableName: tableName,
      Key: counterKey(tenantId),
      ConsistentRead: true,
      ProjectionExpression: `${WEBHOOKS_VERSION_ATTRIBUTE}, ${DELIVERY_SETTINGS_ATTRIBUTE}`,
    }),
  );
  return {
    version: (Item?.[WEBHOOKS_VERSION_ATTRIBUTE] as number | undefined) ?? 0,
    delivery: (Item?.[DELIVERY_SETTINGS_ATTRIBUTE] as TenantDeliverySettings | undefined) ?? {},
  };
}
