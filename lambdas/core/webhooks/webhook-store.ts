import type { StoredEndpointAuth, StoredEndpointTls } from './endpoint-auth';
import type { AwsDestination } from './aws-destination';
import type { EndpointVerification } from './endpoint-verification';
import type { EventType } from '../events/event-catalog';
import type { EventFilter } from '../events/event-filter';
import type { StoredSigningKey } from './webhook';
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

/**
 * Fields a caller may change; `description: null` and `filter: null` remove them, `clearDisabledReason` drops the
 * auto-disable note.
 */
export interface WebhookChanges {
  /** Either replaces the other: setting one removes the other. */
  url?: string;
  destination?: AwsDestination;
  events?: EventType[];
  description?: string | null;
  filter?: EventFilter | null;
  /** Replaces every custom header; null (or none) removes them. */
  headers?: Record<string, string> | null;
  /** null removes the limit. */
  throttleRate?: number | null;
  /** Set when the rate changes (null with no rate): what a held send slot must have been reserved under. */
  throttleRateSince?: string | null;
  ordering?: 'none' | 'fifo';
  /** Replaces the endpoint auth, its secret sealed; null removes it. */
  auth?: StoredEndpointAuth | null;
  /** Replaces the mutual TLS settings, the key sealed; null removes them. */
  tls?: StoredEndpointTls | null;
  /** A key pair kept only if the webhook has none yet; null removes its keys (the previous one too). */
  signingKey?: StoredSigningKey | null;
  active?: boolean;
  clearDisabledReason?: boolean;
  /** A new verification run (the URL changed); null removes it (the URL changed while verification is off). */
  verification?: EndpointVerification | null;
  /** Secrets the webhook held in clear, now sealed: stored unless a rotation sealed newer ones meanwhile. */
  sealedClearSecrets?: SealedClearSecrets;
  updatedAt: string;
}

/** A webhook's secrets that were stored in clear (before signing secrets were sealed), sealed. */
export interface SealedClearSecrets {
  sealedSecret?: string;
  previousSealedSecret?: string;
}

export interface SecretRotation {
  sealedSecret: string;
  /** Until when the replaced secret keeps signing; undefined ends it at once. */
  previousSecretExpiresAt?: string;
  /** The replaced secret sealed, when the webhook held it in clear (it keeps signing sealed, never in clear). */
  sealedClearSecret?: string;
  updatedAt: string;
}

export interface SigningKeyRotation {
  signingKey: StoredSigningKey;
  /** Until when the replaced key keeps signing; undefined ends it at once. */
  previousSigningKeyExpiresAt?: string;
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
  /**
   * Makes `sealedSecret` the signing secret and keeps the current one as the previous until `previousSecretExpiresAt`
   * (none: dropped now); removes any secret in clear; undefined when the webhook does not exist.
   */
  rotateSecret(tenantId: string, id: string, rotation: SecretRotation): Promise<Webhook | undefined>;
  /** As rotateSecret, for the ed25519 key; undefined when the webhook does not exist or has no key to replace. */
  rotateSigningKey(tenantId: string, id: string, rotation: SigningKeyRotation): Promise<Webhook | undefined>;
  /**
   * Replaces the webhook's verification run with `next`, unless the run is no longer `currentId` (another started
   * meanwhile); undefined then, or when the webhook does not exist.
   */
  restartVerification(
    tenantId: string,
    id: string,
    currentId: string | undefined,
    next: EndpointVerification,
    updatedAt: string,
  ): Promise<Webhook | undefined>;
  /** False when there was nothing to delete. */
  delete(tenantId: string, id: string): Promise<boolean>;
  /** Every webhook of a tenant (at most the per-tenant limit); used by fan-out. */
  listAll(tenantId: string): Promise<Webhook[]>;
}
