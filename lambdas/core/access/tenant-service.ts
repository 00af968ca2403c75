import { decodeCursor, encodeCursor } from '../common/cursor';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../delivery/delivery';
import type { EventCatalog } from '../events/event-catalog';
import { NotFoundError } from '../common/errors';
import type { EventLogService } from '../log/event-log-service';
import type { Page } from '../log/log-queries';
import { TENANT_ID_PATTERN } from './api-keys';
import { assertTenantId, putTenantSchema, type Tenant, type TenantSettings } from './tenants';
import { parseOrThrow } from '../common/validation';
import { listQuerySchema } from '../webhooks/webhook-schemas';
import * as z from 'zod/mini';
import type { TenantDetailSchema } from './access-resources';

/** Owner of the tenant items (`TENANTS` / `TENANT#<id>`). */
export interface TenantStore {
  /** Strongly consistent: a setting binds from the next request after the answer that changed it. */
  get(tenantId: string): Promise<Tenant | undefined>;
  /** Creates or replaces the given fields; `created` when there was no item before. */
  put(
    tenantId: string,
    changes: { name?: string; settings?: TenantSettings },
    now: string,
  ): Promise<{ tenant: Tenant; created: boolean }>;
  list(page: { limit: number; after?: string }): Promise<{ tenants: Tenant[]; hasMore: boolean }>;
}

/** What else a tenant has in the table, for its detail and to recognise implicit tenants. */
export interface TenantFootprint {
  webhookCount(tenantId: string): Promise<number>;
  hasApiKeys(tenantId: string): Promise<boolean>;
}

export type TenantDetail = z.infer<typeof TenantDetailSchema>;

/** How many pages of events (100 each) the 24-hour counts read at most: a bound on one admin request. */
export const MAX_EVENT_PAGES_COUNTED = 10;

export const tenantListQuerySchema = z.strictObject({
  limit: listQuerySchema.shape.limit,
  cursor: listQuerySchema.shape.cursor,
});

/** The tenants the team's backend manages (docs/design.md §16). */
export class TenantService {
  private readonly now: () => Date;
  private readonly putSchema;

  constructor(
    private readonly options: {
      store: TenantStore;
      footprint: TenantFootprint;
      events: Pick<EventLogService, 'list'>;
      /** The deployment's event types: a tenant's allowedEventTypes are some of them. */
      catalog: EventCatalog;
      now?: () => Date;
    },
  ) {
    this.now = options.now ?? (() => new Date());
    this.putSchema = putTenantSchema(options.catalog);
  }

  async put(tenantId: string | undefined, body: unknown): Promise<{ tenant: Tenant; created: boolean }> {
    const id = assertTenantId(tenantId);
    const changes = parseOrThrow(this.putSchema, body ?? {}, 'tenant');
    return this.options.store.put(id, changes, this.now().toISOString());
  }

  async list(query: unknown): Promise<Page<Tenant>> {
    const { limit, cursor } = parseOrThrow(tenantListQuerySchema, query, 'query');
    const after = cursor === undefined ? undefined : decodeCursor(cursor, TENANT_ID_PATTERN);
    const { tenants, hasMore } = await this.options.store.list({ limit, after });
    const last = tenants.at(-1);
    return { data: tenants, hasMore, nextCursor: hasMore && last ? encodeCursor(last.id) : null };
  }

  async get(tenantId: string | undefined): Promise<TenantDetail> {
    const id = assertTenantId(tenantId);
    const { store, footprint } = this.options;
    const [tenant, webhookCount] = await Promise.all([store.get(id), footprint.webhookCount(id)]);
    if (!tenant && webhookCount === 0 && !(await footprint.hasApiKeys(id))) {
      throw new NotFoundError(`No tenant ${id}: it has no tenant item, webhooks or API keys`);
    }
    return {
      ...(tenant ?? { id, settings: {}, createdAt: '', updatedAt: '' }),
      implicit: !tenant,
      webhookCount,
      deliveriesLast24h: await this.deliveriesLast24h(id),
    };
  }

  private async deliveriesLast24h(tenantId: string): Promise<TenantDetail['deliveriesLast24h']> {
    const counts = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, 0])) as Record<DeliveryStatus, number>;
    const since = new Date(this.now().getTime() - 24 * 3600_000).toISOString();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_EVENT_PAGES_COUNTED; page++) {
      const events = await this.options.events.list(tenantId, { since, limit: '100', ...(cursor ? { cursor } : {}) });
      for (const event of events.data)
        for (const status of DELIVERY_STATUSES) counts[status] += event.deliveryCounts[status];
      if (!events.nextCursor) return { counts, complete: true };
      cursor = events.nextCursor;
    }
    return { counts, complete: false };
  }
}
