import type { EventType } from './event-catalog';
import type { Webhook } from './webhook';

export interface WebhookPageQuery {
  limit: number;
  /** Return webhooks whose id sorts after this one. */
  after?: string;
  event?: EventType;
  active?: boolean;
}

export interface WebhookPage {
  webhooks: Webhook[];
  hasMore: boolean;
}

/** Fields a caller may change; `description: null` removes it, `clearDisabledReason` drops the auto-disable note. */
export interface WebhookChanges {
  url?: string;
  events?: EventType[];
  description?: string | null;
  active?: boolean;
  clearDisabledReason?: boolean;
  updatedAt: string;
}

/** Persistence the webhook service needs; the DynamoDB adapter implements it. */
export interface WebhookStore {
  /** Stores a new webhook unless the tenant already holds `maxPerTenant`; then throws LimitExceededError. */
  create(webhook: Webhook, maxPerTenant: number): Promise<void>;
  get(tenantId: string, id: string): Promise<Webhook | undefined>;
  list(tenantId: string, query: WebhookPageQuery): Promise<WebhookPage>;
  /** Applies only the given fields; undefined when the webhook does not exist. */
  update(tenantId: string, id: string, changes: WebhookChanges): Promise<Webhook | undefined>;
  /** False when there was nothing to delete. */
  delete(tenantId: string, id: string): Promise<boolean>;
  /** Every webhook of a tenant (at most the per-tenant limit); used by fan-out. */
  listAll(tenantId: string): Promise<Webhook[]>;
}
