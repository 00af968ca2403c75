import { decodeCursor, encodeCursor } from './cursor';
import { NotFoundError, ValidationError } from './errors';
import { limitsOf, type TenantLimits } from './tenants';
import { WEBHOOK_ID_PATTERN, newWebhookId } from './ids';
import { generateSecret } from './secrets';
import type { UrlPolicy } from './url-guard';
import { parseOrThrow } from './validation';
import { toResource, type Webhook, type WebhookResource } from './webhook';
import { listQuerySchema, rotateSecretSchema, webhookSchemas } from './webhook-schemas';
import type { WebhookStore } from './webhook-store';

export interface WebhookServiceOptions {
  store: WebhookStore;
  urlPolicy: UrlPolicy;
  maxWebhooksPerTenant: number;
  /** A tenant's limits, its settings over the deployment's (docs/design.md §16), read afresh for each request. */
  tenantLimits?: (tenantId: string) => Promise<TenantLimits>;
  now?: () => Date;
}

export interface WebhookList {
  data: WebhookResource[];
  hasMore: boolean;
  nextCursor: string | null;
}

/** The rules of the webhook API. Inputs arrive unvalidated (straight from the request) and are checked here. */
export class WebhookService {
  private readonly schemas;
  private readonly now: () => Date;

  constructor(private readonly options: WebhookServiceOptions) {
    this.schemas = webhookSchemas(options.urlPolicy);
    this.now = options.now ?? (() => new Date());
  }

  private limits(tenantId: string): Promise<TenantLimits> {
    const { tenantLimits, maxWebhooksPerTenant } = this.options;
    return tenantLimits
      ? tenantLimits(tenantId)
      : Promise.resolve(limitsOf(undefined, { maxWebhooks: maxWebhooksPerTenant }));
  }

  /** The tenant's own bounds on what a webhook may ask for: its allowed event types and its highest throttle rate. */
  private checkAgainst(limits: TenantLimits, input: { events?: string[]; throttleRate?: number | null }): void {
    const refused = limits.allowedEventTypes
      ? input.events?.find((type) => !limits.allowedEventTypes!.includes(type))
      : undefined;
    if (refused !== undefined) {
      const message = `"${refused}" is not among this tenant's event types (${limits.allowedEventTypes!.join(', ')})`;
      throw new ValidationError(`Invalid webhook: events: ${message}`, [{ path: 'events', message }]);
    }
    if (input.throttleRate && input.throttleRate > limits.maxThrottleRate) {
      const message = `must be at most ${limits.maxThrottleRate} deliveries per second for this tenant`;
      throw new ValidationError(`Invalid webhook: throttleRate: ${message}`, [{ path: 'throttleRate', message }]);
    }
  }

  async create(tenantId: string, body: unknown): Promise<WebhookResource> {
    const input = parseOrThrow(this.schemas.create, body, 'webhook');
    const limits = await this.limits(tenantId);
    this.checkAgainst(limits, input);
    const timestamp = this.now().toISOString();
    const webhook: Webhook = {
      tenantId,
      id: newWebhookId(),
      url: input.url,
      events: input.events,
      secret: input.secret ?? generateSecret(),
      active: input.active,
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.filter ? { filter: input.filter } : {}),
      ...(input.headers && Object.keys(input.headers).length ? { headers: input.headers } : {}),
      ...(input.throttleRate ? { throttleRate: input.throttleRate } : {}),
      ...(input.ordering === 'fifo' ? { ordering: 'fifo' as const } : {}),
      createdAt: timestamp,
      updatedAt: timestamp,
    };
    await this.options.store.create(webhook, limits.maxWebhooks);
    return toResource(webhook, { withSecret: true });
  }

  async get(tenantId: string, id: string): Promise<WebhookResource> {
    const webhook = WEBHOOK_ID_PATTERN.test(id) ? await this.options.store.get(tenantId, id) : undefined;
    if (!webhook) throw new NotFoundError();
    return toResource(webhook, { withSecret: true });
  }

  async list(tenantId: string, query: unknown): Promise<WebhookList> {
    const { limit, cursor, event, active } = parseOrThrow(listQuerySchema, query, 'query');
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const page = await this.options.store.list(tenantId, { limit, after, event, active });
    const last = page.webhooks.at(-1);
    return {
      data: page.webhooks.map((webhook) => toResource(webhook, { withSecret: false })),
      hasMore: page.hasMore,
      nextCursor: page.hasMore && last ? encodeCursor(last.id) : null,
    };
  }

  async update(tenantId: string, id: string, body: unknown): Promise<WebhookResource> {
    const changes = parseOrThrow(this.schemas.update, body, 'webhook');
    if (!WEBHOOK_ID_PATTERN.test(id)) throw new NotFoundError();
    if (changes.events || changes.throttleRate) this.checkAgainst(await this.limits(tenantId), changes);
    const updated = await this.options.store.update(tenantId, id, {
      ...changes,
      clearDisabledReason: changes.active === true,
      updatedAt: this.now().toISOString(),
    });
    if (!updated) throw new NotFoundError();
    return toResource(updated, { withSecret: true });
  }

  /** docs/design.md §6b: the old secret keeps signing next to the new one for the grace period, so receivers switch without a gap. */
  async rotateSecret(tenantId: string, id: string, body: unknown): Promise<WebhookResource> {
    const { secret, gracePeriodSeconds } = parseOrThrow(rotateSecretSchema, body, 'secret rotation');
    if (!WEBHOOK_ID_PATTERN.test(id)) throw new NotFoundError();
    const now = this.now();
    const rotated = await this.options.store.rotateSecret(tenantId, id, {
      secret: secret ?? generateSecret(),
      ...(gracePeriodSeconds > 0
        ? { previousSecretExpiresAt: new Date(now.getTime() + gracePeriodSeconds * 1000).toISOString() }
        : {}),
      updatedAt: now.toISOString(),
    });
    if (!rotated) throw new NotFoundError();
    return toResource(rotated, { withSecret: true });
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const deleted = WEBHOOK_ID_PATTERN.test(id) && (await this.options.store.delete(tenantId, id));
    if (!deleted) throw new NotFoundError();
  }
}
