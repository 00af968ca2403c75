import { decodeCursor, encodeCursor } from '../common/cursor';
import { sealEndpointAuth, sealEndpointAuthChange, sealEndpointTls } from './endpoint-auth';
import type { PlatformIdentity } from './aws-destination';
import { limitsOf, type TenantLimits } from '../access/tenants';
import { WEBHOOK_ID_PATTERN, newWebhookId } from '../common/ids';
import { generateSecret } from './secrets';
import type { SecretSealer } from '../common/secret-sealer';
import { newSigningKey, sealClearSecrets, sealSecret } from './signing-keys';
import {
  firstVerificationTask,
  startVerification,
  VERIFY_AGAIN_INTERVAL_SECONDS,
  type EndpointVerificationMode,
} from './endpoint-verification';
import { NotFoundError, RateLimitedError, ValidationError, VerificationOffError } from '../common/errors';
import type { VerificationQueue } from '../delivery/queue-ports';
import type { UrlPolicy } from '../common/url-guard';
import { parseOrThrow } from '../common/validation';
import { toResource, type Webhook, type WebhookResource } from './webhook';
import { listQuerySchema, rotateSecretSchema, webhookSchemas } from './webhook-schemas';
import type { WebhookStore } from './webhook-store';
import type { EventCatalog } from '../events/event-catalog';

export interface WebhookServiceOptions {
  store: WebhookStore;
  /** The deployment's event types: what a webhook may subscribe to. */
  catalog: EventCatalog;
  urlPolicy: UrlPolicy;
  /** The platform's destinations role; absent: AWS destinations are refused. */
  platform?: PlatformIdentity;
  maxWebhooksPerTenant: number;
  /** Seals the endpoint secrets of `auth` and `tls`, and ed25519 private keys, before they are stored. */
  sealer: SecretSealer;
  /** Seals HMAC signing secrets under the tenant's data key (tenant-key-sealer.ts) before they are stored. */
  signingSecretSealer: SecretSealer;
  /**
   * Endpoint verification (docs/design.md §18): `handshake` holds an HTTP webhook's deliveries from the moment it
   * gets a URL until its endpoint answers the challenge queued on `queue` (the routes that set a URL have one). A
   * tenant's own `endpointVerification` setting (§16) overrides the mode.
   */
  verification?: { mode: EndpointVerificationMode; queue?: VerificationQueue };
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
    this.schemas = webhookSchemas(options.catalog, options.urlPolicy, options.platform);
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
    const id = newWebhookId();
    const sealed = { tenantId, webhookId: id };
    const secret = input.secret ?? generateSecret();
    const webhook: Webhook = {
      tenantId,
      id,
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.destination ? { destination: input.destination } : {}),
      events: input.events,
      sealedSecret: await sealSecret({ tenantId, id }, secret, this.options.signingSecretSealer),
      active: input.active,
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.filter ? { filter: input.filter } : {}),
      ...(input.headers && Object.keys(input.headers).length ? { headers: input.headers } : {}),
      ...(input.throttleRate ? { throttleRate: input.throttleRate } : {}),
      ...(input.ordering === 'fifo' ? { ordering: 'fifo' as const } : {}),
      ...(input.auth ? { auth: await sealEndpointAuth(input.auth, this.options.sealer, sealed) } : {}),
      ...(input.tls ? { tls: await sealEndpointTls(input.tls, this.options.sealer, sealed) } : {}),
      ...(input.signing?.ed25519 ? { signingKey: await newSigningKey({ tenantId, id }, this.options.sealer) } : {}),
      ...(this.verifies(limits) && input.url !== undefined ? { verification: startVerification(this.now()) } : {}),
      createdAt: timestamp,
      updatedAt: timestamp,
    };
    await this.options.store.create(webhook, limits.maxWebhooks);
    await this.queueFirstChallenge(webhook);
    return toResource(webhook, { secret, withHeaders: true });
  }

  async get(tenantId: string, id: string): Promise<WebhookResource> {
    const webhook = WEBHOOK_ID_PATTERN.test(id) ? await this.options.store.get(tenantId, id) : undefined;
    if (!webhook) throw new NotFoundError();
    return toResource(webhook, { withHeaders: true });
  }

  async list(tenantId: string, query: unknown): Promise<WebhookList> {
    const { limit, cursor, event, active } = parseOrThrow(listQuerySchema, query, 'query');
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const page = await this.options.store.list(tenantId, { limit, after, event, active });
    const last = page.webhooks.at(-1);
    return {
      data: page.webhooks.map((webhook) => toResource(webhook, { withHeaders: false })),
      hasMore: page.hasMore,
      nextCursor: page.hasMore && last ? encodeCursor(last.id) : null,
    };
  }

  async update(tenantId: string, id: string, body: unknown): Promise<WebhookResource> {
    const { signing, ...changes } = parseOrThrow(this.schemas.update, body, 'webhook');
    if (!WEBHOOK_ID_PATTERN.test(id)) throw new NotFoundError();
    const { auth, tls, ...rest } = changes;
    const sealed = { tenantId, webhookId: id };
    const stored = await this.options.store.get(tenantId, id);
    if (!stored) throw new NotFoundError();
    // a new URL is a new endpoint, whose owner has not consented yet: its deliveries wait, queued ones included
    const urlChanges = changes.url !== undefined && stored.url !== changes.url;
    // a new rate (or the same one after another, or after none) starts a new setting: slots held from before go
    const rateChanges = changes.throttleRate !== undefined && (stored.throttleRate ?? null) !== changes.throttleRate;
    // a webhook stored before signing secrets were sealed has them sealed by this write
    const sealedClearSecrets = await sealClearSecrets(stored, this.options.signingSecretSealer);
    const limits = changes.events || changes.throttleRate || urlChanges ? await this.limits(tenantId) : undefined;
    if (limits) this.checkAgainst(limits, changes);
    const updated = await this.options.store.update(tenantId, id, {
      ...rest,
      ...(auth !== undefined
        ? { auth: auth && (await sealEndpointAuthChange(auth, stored.auth, this.options.sealer, sealed)) }
        : {}),
      ...(tls !== undefined ? { tls: tls && (await sealEndpointTls(tls, this.options.sealer, sealed)) } : {}),
      // a new key pair is kept only by a webhook without one (the store decides, atomically)
      ...(signing
        ? { signingKey: signing.ed25519 ? await newSigningKey({ tenantId, id }, this.options.sealer) : null }
        : {}),
      clearDisabledReason: changes.active === true,
      ...(urlChanges && limits ? { verification: this.verifies(limits) ? startVerification(this.now()) : null } : {}),
      ...(sealedClearSecrets ? { sealedClearSecrets } : {}),
      ...(rateChanges ? { throttleRateSince: changes.throttleRate ? this.now().toISOString() : null } : {}),
      updatedAt: this.now().toISOString(),
    });
    if (!updated) throw new NotFoundError();
    if (urlChanges) await this.queueFirstChallenge(updated);
    return toResource(updated, { withHeaders: true });
  }

  /**
   * `POST /v2/webhooks/{id}/verify`: a new run of challenges from the first. Its deliveries wait meanwhile, even if
   * the endpoint was verified before. A pending run is restarted at most once per VERIFY_AGAIN_INTERVAL_SECONDS.
   */
  async verify(tenantId: string, id: string): Promise<WebhookResource> {
    const webhook = WEBHOOK_ID_PATTERN.test(id) ? await this.options.store.get(tenantId, id) : undefined;
    if (!webhook) throw new NotFoundError();
    if (!this.verifies(await this.limits(tenantId))) throw new VerificationOffError();
    const now = this.now();
    const current = webhook.verification;
    // a run that ended (verified, or failed after its whole schedule) may start again at once; a pending one is
    // restarted at most once a minute, so a tenant cannot turn the challenges on a bystander into a flood
    const waitSeconds =
      current?.state === 'pending'
        ? Math.ceil((Date.parse(current.startedAt) + VERIFY_AGAIN_INTERVAL_SECONDS * 1000 - now.getTime()) / 1000)
        : 0;
    const tooSoon = () =>
      new RateLimitedError(
        `A verification of this webhook started less than ${VERIFY_AGAIN_INTERVAL_SECONDS} s ago and is still ` +
          `pending; try again later`,
        Math.max(1, waitSeconds),
      );
    if (waitSeconds > 0) throw tooSoon();
    const restarted = await this.options.store.restartVerification(
      tenantId,
      id,
      current?.id,
      startVerification(now),
      now.toISOString(),
    );
    if (!restarted) throw tooSoon();
    await this.queueFirstChallenge(restarted);
    return toResource(restarted, { withHeaders: true });
  }

  /**
   * Whether a new URL of this tenant's waits for its endpoint's consent: the tenant's setting, else the deployment's.
   */
  private verifies(limits: TenantLimits): boolean {
    return (limits.endpointVerification ?? this.options.verification?.mode) === 'handshake';
  }

  /** A run's first challenge goes out at once; the API answers only once it is queued. */
  private async queueFirstChallenge(webhook: Webhook): Promise<void> {
    if (!webhook.verification || webhook.verification.state !== 'pending') return;
    const queue = this.options.verification?.queue;
    if (!queue) throw new Error('endpoint verification is on, but this function has no queue to start it on');
    await queue.start(firstVerificationTask(webhook, webhook.verification));
  }

  /**
   * docs/design.md §6b, §18: the old secret (`type: "hmac"`) or ed25519 key (`type: "ed25519"`) keeps signing next
   * to the new one for the grace period, so receivers switch without a gap.
   */
  async rotateSecret(tenantId: string, id: string, body: unknown): Promise<WebhookResource> {
    const { type, secret, gracePeriodSeconds } = parseOrThrow(rotateSecretSchema, body, 'secret rotation');
    if (!WEBHOOK_ID_PATTERN.test(id)) throw new NotFoundError();
    if (type === 'ed25519') return this.rotateSigningKey(tenantId, id, gracePeriodSeconds);
    const webhook = await this.options.store.get(tenantId, id);
    if (!webhook) throw new NotFoundError();
    const now = this.now();
    const newSecret = secret ?? generateSecret();
    const keepsPrevious = gracePeriodSeconds > 0;
    // a secret still in clear (stored before sealing) that keeps signing is kept sealed
    const sealedClearSecret =
      keepsPrevious && webhook.secret !== undefined
        ? await sealSecret(webhook, webhook.secret, this.options.signingSecretSealer)
        : undefined;
    const rotated = await this.options.store.rotateSecret(tenantId, id, {
      sealedSecret: await sealSecret(webhook, newSecret, this.options.signingSecretSealer),
      ...(keepsPrevious
        ? { previousSecretExpiresAt: new Date(now.getTime() + gracePeriodSeconds * 1000).toISOString() }
        : {}),
      ...(sealedClearSecret ? { sealedClearSecret } : {}),
      updatedAt: now.toISOString(),
    });
    if (!rotated) throw new NotFoundError();
    return toResource(rotated, { secret: newSecret, withHeaders: true });
  }

  private async rotateSigningKey(tenantId: string, id: string, gracePeriodSeconds: number): Promise<WebhookResource> {
    const webhook = await this.options.store.get(tenantId, id);
    if (!webhook) throw new NotFoundError();
    if (!webhook.signingKey) {
      throw new ValidationError(
        'The webhook has no ed25519 key to rotate; give it one with signing: {"ed25519": true}',
        [{ path: 'type', message: 'the webhook has no ed25519 key' }],
      );
    }
    const now = this.now();
    const rotated = await this.options.store.rotateSigningKey(tenantId, id, {
      signingKey: await newSigningKey({ tenantId, id }, this.options.sealer),
      ...(gracePeriodSeconds > 0
        ? { previousSigningKeyExpiresAt: new Date(now.getTime() + gracePeriodSeconds * 1000).toISOString() }
        : {}),
      updatedAt: now.toISOString(),
    });
    // gone, or its key removed, since it was read
    if (!rotated) throw new NotFoundError();
    return toResource(rotated, { withHeaders: true });
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const deleted = WEBHOOK_ID_PATTERN.test(id) && (await this.options.store.delete(tenantId, id));
    if (!deleted) throw new NotFoundError();
  }
}
