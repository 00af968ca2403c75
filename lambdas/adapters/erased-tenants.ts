import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ErasedTenants } from '../core/access/tenant-erasure';
import { logger } from './observability';
import { keys } from './table-keys';

/**
 * Whether a tenant has an erasure marker (`ERASURES` / `TENANT#<t>`), read only for deliveries whose webhook is gone.
 * A tenant once found erased stays so for the container (a marker is never removed), so a queued backlog of an
 * erased tenant costs one read per container. Each drop is logged: nothing is lost without a word.
 */
export class DynamoErasedTenants implements ErasedTenants {
  private readonly erased = new Set<string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async isErased(delivery: { tenantId: string; webhookId: string; eventId: string }): Promise<boolean> {
    if (!this.erased.has(delivery.tenantId)) {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: keys.erasureMarkers, sk: keys.tenantItem(delivery.tenantId) },
          ConsistentRead: true,
          ProjectionExpression: 'erasureId',
        }),
      );
      if (!Item) return false;
      this.erased.add(delivery.tenantId);
    }
    const { tenantId, webhookId, eventId } = delivery;
    logger.info('delivery dropped without a request: its tenant is erased', { tenantId, webhookId, eventId });
    return true;
  }
}
