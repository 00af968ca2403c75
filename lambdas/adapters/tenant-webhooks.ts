import { LRUCache } from 'lru-cache';
import type { Webhook } from '../core/webhooks/webhook';
import type { DynamoWebhookRepository } from './webhook-repository';

/** Webhooks a fan-out container keeps at most, over all tenants (100 per tenant at most): a few MB. */
const MAX_KEPT_WEBHOOKS = 10_000;

/**
 * Fan-out's view of each tenant's webhooks, always current: one strongly consistent GetItem of the tenant's
 * webhooks version per batch, and the whole list (one Query) only when that version moved since this
 * container last read it. A burst of events costs one small read per batch, and a change the API answered
 * is seen by the next fan-out, never seconds later.
 */
export class TenantWebhooks {
  private readonly kept = new LRUCache<string, { version: number; webhooks: Webhook[] }>({
    maxSize: MAX_KEPT_WEBHOOKS,
    sizeCalculation: (entry) => entry.webhooks.length + 1,
  });

  constructor(private readonly webhooks: Pick<DynamoWebhookRepository, 'version' | 'listAll'>) {}

  async of(tenantId: string): Promise<Webhook[]> {
    const version = await this.webhooks.version(tenantId);
    const kept = this.kept.get(tenantId);
    if (kept?.version === version) return kept.webhooks;
    // read after the version: the list holds at least every change that version counts
    const webhooks = await this.webhooks.listAll(tenantId);
    this.kept.set(tenantId, { version, webhooks });
    return webhooks;
  }
}
