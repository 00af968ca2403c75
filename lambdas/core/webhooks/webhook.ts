import { endpointAuthView, endpointTlsView, type StoredEndpointAuth, type StoredEndpointTls } from './endpoint-auth';
import type { AwsDestination } from './aws-destination';
import type { EventType } from '../events/event-catalog';
import { verificationResource, type EndpointVerification } from './endpoint-verification';
import type { EventFilter } from '../events/event-filter';
import type * as z from 'zod/mini';
import type { HealthSchema, WebhookSchema, WebhookSummarySchema } from './webhook-resource';

/** A webhook's ed25519 (`v1a`) key pair as stored: the public key in clear, the private key sealed (design.md §18). */
export interface StoredSigningKey {
  publicKey: string;
  /** The private key's 32 bytes (the JWK's `d`, base64url), sealed with the webhook's seal context. */
  sealedPrivateKey: string;
}

export const WEBHOOK_ORDERINGS = ['none', 'fifo'] as const;
export type WebhookOrdering = (typeof WEBHOOK_ORDERINGS)[number];

/** A subscriber's webhook as the platform stores it. */
export interface Webhook {
  tenantId: string;
  id: string;
  /**
   * The HTTPS endpoint; absent when the webhook delivers into an AWS `destination` instead (it has one or the other).
   */
  url?: string;
  destination?: AwsDestination;
  events: EventType[];
  /**
   * Only events whose data passes it are delivered (docs/design.md §6d); absent: every event of the subscribed types.
   */
  filter?: EventFilter;
  /** The HMAC signing secret (`whsec_…`), sealed under its tenant's data key (`s1:…`, tenant-key-sealer.ts). */
  sealedSecret?: string;
  /**
   * A signing secret stored in clear before signing secrets were sealed: it still signs, and the webhook's next
   * update or rotation seals it and removes this attribute (docs/design.md §18). New webhooks never have it.
   */
  secret?: string;
  /** `fifo`: deliveries attempted strictly in the order fan-out queued them (the ordered lane); absent: none. */
  ordering?: WebhookOrdering;
  /** Deliveries per second at most, across every container and both lanes; absent: no limit. */
  throttleRate?: number;
  /**
   * When `throttleRate` was set to its value: a delivery holds a send slot of this setting only, so that the same rate
   * set again after a change (or after none) does not honour slots reserved before it next to the new ones.
   */
  throttleRateSince?: string;
  /** Sent with every delivery, next to the platform's own headers; shown only where the secret is. */
  headers?: Record<string, string>;
  /** How deliveries authenticate to the endpoint (OAuth2 client credentials or basic); its secret sealed. */
  auth?: StoredEndpointAuth;
  /** The client certificate (mutual TLS) and/or private CA of the endpoint; the private key sealed. */
  tls?: StoredEndpointTls;
  /** Still signs deliveries, next to the current secret, until `previousSecretExpiresAt` (secret rotation); sealed. */
  previousSealedSecret?: string;
  /** As `secret`: a previous secret kept in clear before sealing, until the next update or rotation. */
  previousSecret?: string;
  previousSecretExpiresAt?: string;
  /** An ed25519 key pair: deliveries also carry a `v1a` signature, verifiable with its public key (design.md §18). */
  signingKey?: StoredSigningKey;
  /** Still signs deliveries, next to `signingKey`, until `previousSigningKeyExpiresAt` (key rotation). */
  previousSigningKey?: StoredSigningKey;
  previousSigningKeyExpiresAt?: string;
  active: boolean;
  /**
   * Events whose payload was erased (`DELETE /admin/tenants/{t}/events/{id}`) → when: their queued deliveries are
   * skipped. Read with the webhook by every deliver batch, so the check costs nothing; pruned once no delivery of
   * them can still be queued (ERASED_EVENT_HORIZON_DAYS), at most MAX_ERASED_EVENTS at a time.
   */
  erasedEvents?: Record<string, string>;
  description?: string;
  disabledReason?: string;
  /** When the current run of failed deliveries began; cleared by the next success (auto-disable clock). */
  failingSince?: string;
  /** Failed attempts since the last success (circuit breaker, docs/design.md §9). */
  consecutiveFailures?: number;
  /** Set while the breaker is open: no attempt before this time, then one probe. */
  nextProbeAt?: string;
  /** The wait before the next probe; doubles while probes fail. */
  probeIntervalSeconds?: number;
  /**
   * Its endpoint answered slowly or not at all: until then its deliveries go through the slow lane
   * (docs/design.md §9).
   */
  slowLaneUntil?: string;
  /**
   * Ordered webhooks: the position in the ordered queue (an SQS sequence number, as `queuePosition` writes it) of
   * the last delivery the ordered lane forwarded to the slow ordered lane, and of the last one that lane settled.
   * While the second is behind the first, the ordered lane forwards the webhook's deliveries (none may overtake).
   */
  slowOrderedForwardedThrough?: string;
  slowOrderedSettledThrough?: string;
  /**
   * Whether its endpoint consented (docs/design.md §18); absent: not held back (created while verification was off).
   */
  verification?: EndpointVerification;
  createdAt: string;
  updatedAt: string;
}

/**
 * The webhook object of the API (docs/design.md §6), as its response schema says: lists leave out the custom headers
 * (a custom header often holds a credential), a single webhook has them; only create and rotation show the secret.
 */
export type WebhookResource = z.infer<typeof WebhookSummarySchema> &
  Partial<Pick<z.infer<typeof WebhookSchema>, 'secret' | 'headers'>>;

/** How a webhook's deliveries are going, as its owner sees it (docs/design.md §9). */
export type WebhookHealth = z.infer<typeof HealthSchema>;

export function healthOf(webhook: Webhook): WebhookHealth {
  const state = webhook.nextProbeAt
    ? 'open'
    : webhook.failingSince || webhook.consecutiveFailures
      ? 'failing'
      : 'healthy';
  return {
    state,
    failingSince: webhook.failingSince ?? null,
    consecutiveFailures: webhook.consecutiveFailures ?? 0,
    ...(webhook.nextProbeAt ? { nextProbeAt: webhook.nextProbeAt } : {}),
    ...(webhook.slowLaneUntil ? { slowLaneUntil: webhook.slowLaneUntil } : {}),
  };
}

/**
 * The webhook as the API shows it: `secret` only when the caller passes it (create and rotation, which have it in
 * clear before it is sealed); `headers` for one webhook, never in lists.
 */
export function toResource(
  webhook: Webhook,
  { secret, withHeaders }: { secret?: string; withHeaders: boolean },
): WebhookResource {
  return {
    id: webhook.id,
    url: webhook.url ?? null,
    destination: webhook.destination ?? null,
    events: webhook.events,
    filter: webhook.filter ?? null,
    ordering: webhook.ordering ?? 'none',
    throttleRate: webhook.throttleRate ?? null,
    ...(secret !== undefined ? { secret } : {}),
    // names in order: the table keeps a map's keys in no particular order, and a stable answer reads better
    ...(withHeaders
      ? { headers: Object.fromEntries(Object.entries(webhook.headers ?? {}).sort(([a], [b]) => a.localeCompare(b))) }
      : {}),
    auth: webhook.auth ? endpointAuthView(webhook.auth) : null,
    tls: webhook.tls ? endpointTlsView(webhook.tls) : null,
    publicKey: webhook.signingKey?.publicKey ?? null,
    active: webhook.active,
    description: webhook.description ?? null,
    ...(webhook.disabledReason ? { disabledReason: webhook.disabledReason } : {}),
    health: healthOf(webhook),
    verification: verificationResource(webhook.verification),
    createdAt: webhook.createdAt,
    updatedAt: webhook.updatedAt,
  };
}
