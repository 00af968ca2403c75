import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { StoredEndpointAuth } from '../webhooks/endpoint-auth';
import type { SealContext, SecretSealer } from '../common/secret-sealer';
import type { Webhook } from '../webhooks/webhook';

export type OAuth2Auth = Extract<StoredEndpointAuth, { type: 'oauth2_client_credentials' }>;

/** A webhook's token as every container shares it (one table item per webhook), the token sealed. */
export interface SharedToken {
  sealedToken: string;
  /** Which url and credentials it was fetched for: a token of a changed webhook is never used. */
  fingerprint: string;
  /** After this, containers fetch a new one (shortly before the token expires). */
  refreshAtMs: number;
  expiresAtMs: number;
}

/** Where containers share tokens, with a short lease so that only one of them asks the token endpoint. */
export interface SharedTokenStore {
  read(context: SealContext): Promise<{ token?: SharedToken; leaseUntilMs?: number }>;
  /**
   * Takes the fetch lease unless another container holds an unexpired one or has stored a token since this one read
   * the item (`seenSealedToken`, absent when it saw none); true when taken.
   */
  takeLease(context: SealContext, leaseUntilMs: number, nowMs: number, seenSealedToken?: string): Promise<boolean>;
  /** Stores the token and ends the lease. */
  store(context: SealContext, token: SharedToken): Promise<void>;
  releaseLease(context: SealContext): Promise<void>;
}

export interface TokenRequest {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  audience?: string;
}

/** The token endpoint's answer: a token, or why none came (`HTTP 503`, `invalid_client`, `connection_refused`). */
export type TokenAnswer = { accessToken: string; expiresInSeconds?: number } | { failure: string };

/** Asks a token endpoint for a token (client credentials grant), through the SSRF guard. */
export interface TokenEndpoint {
  fetch(request: TokenRequest): Promise<TokenAnswer>;
}

/** A bearer token to send, or a failed attempt's reason (`token_endpoint: …`). */
export type Bearer = { token: string } | { failure: string };

export interface OAuth2TokensOptions {
  store: SharedTokenStore;
  endpoint: TokenEndpoint;
  sealer: SecretSealer;
  now?: () => number;
  /** How long a container may hold the fetch lease (a token request's own time limit is shorter). */
  leaseMs?: number;
  /** How long an attempt waits for another container's fetch, and how often it looks. */
  waitForOthersMs?: number;
  pollMs?: number;
}

/**
 * Used when the token endpoint does not say (`expires_in` is only recommended by RFC 6749); a 401 still refreshes it.
 */
const DEFAULT_LIFETIME_SECONDS = 3600;
/**
 * Tokens are replaced this long before they expire (a tenth of their life for short ones), so none expires on the wire.
 */
const REFRESH_MARGIN_MS = 60_000;
const KEPT_TOKENS = 1_000;

/** Which url and credentials a token belongs to; a change to any of them makes every cached token unusable. */
export function tokenFingerprint(webhook: Webhook, auth: OAuth2Auth): string {
  const parts = [webhook.url, auth.tokenUrl, auth.clientId, auth.sealedClientSecret, auth.scope, auth.audience];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

/**
 * OAuth2 client-credentials tokens for webhooks' endpoints (docs/architecture.md, "Endpoint auth"): one fetch per
 * webhook per token lifetime across every container. A container keeps the tokens it used; otherwise it reads the
 * shared item (one consistent read) and, when that holds no usable token, takes a short lease and fetches, while
 * the others wait for its result. A token the endpoint refused (401) is replaced once; a token endpoint that fails
 * is a failed attempt with its reason, retried on the delivery's schedule.
 */
export class OAuth2Tokens {
  private readonly kept = new LRUCache<string, { fingerprint: string; token: string; refreshAtMs: number }>({
    max: KEPT_TOKENS,
  });
  private readonly now: () => number;

  constructor(private readonly options: OAuth2TokensOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Looks at the shared item (and fetches) once for all of this container's attempts that miss at the same time. */
  private readonly inFlight = new Map<string, Promise<Bearer>>();

  /** The token to send; `rejected` is one the endpoint just answered 401 to, which is not used again. */
  async bearer(webhook: Webhook, auth: OAuth2Auth, rejected?: string): Promise<Bearer> {
    const context = { tenantId: webhook.tenantId, webhookId: webhook.id };
    const name = JSON.stringify([context.tenantId, context.webhookId]);
    const fingerprint = tokenFingerprint(webhook, auth);
    const kept = this.kept.get(name);
    if (kept && kept.fingerprint === fingerprint && kept.refreshAtMs > this.now() && kept.token !== rejected) {
      return { token: kept.token };
    }
    // a batch's attempts of one webhook miss together (a new container, a token due for refresh): they share one
    // read of the shared item and at most one fetch, instead of each reading it and racing for the lease
    const key = JSON.stringify([name, fingerprint, rejected ?? null]);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.obtain(auth, context, name, fingerprint, rejected).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** The shared token when it is usable, else one fetched under the lease, else another container's once stored. */
  private async obtain(
    auth: OAuth2Auth,
    context: SealContext,
    name: string,
    fingerprint: string,
    rejected: string | undefined,
  ): Promise<Bearer> {
    const { leaseMs = 10_000, waitForOthersMs = 2_000, pollMs = 100 } = this.options;
    const waitUntil = this.now() + waitForOthersMs;
    for (;;) {
      const shared = await this.options.store.read(context);
      const usable = shared.token?.fingerprint === fingerprint && shared.token.refreshAtMs > this.now();
      if (usable) {
        const token = await this.options.sealer.open(shared.token!.sealedToken, context);
        if (token !== rejected) {
          this.kept.set(name, { fingerprint, token, refreshAtMs: shared.token!.refreshAtMs });
          return { token };
        }
      }
      const now = this.now();
      const leaseFree = (shared.leaseUntilMs ?? 0) <= now;
      // a container that stored its token between our read and now has also ended its lease: the condition on the
      // token we saw keeps us from fetching a second one
      const taken =
        leaseFree && (await this.options.store.takeLease(context, now + leaseMs, now, shared.token?.sealedToken));
      if (taken) {
        return this.fetch(auth, context, name, fingerprint);
      }
      if (this.now() >= waitUntil) {
        return { failure: 'token_endpoint: another attempt is fetching the token; retried later' };
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  private async fetch(auth: OAuth2Auth, context: SealContext, name: string, fingerprint: string): Promise<Bearer> {
    let answer: TokenAnswer;
    try {
      answer = await this.options.endpoint.fetch({
        tokenUrl: auth.tokenUrl,
        clientId: auth.clientId,
        clientSecret: await this.options.sealer.open(auth.sealedClientSecret, context),
        ...(auth.scope ? { scope: auth.scope } : {}),
        ...(auth.audience ? { audience: auth.audience } : {}),
      });
    } catch (error) {
      await this.options.store.releaseLease(context);
      throw error;
    }
    if ('failure' in answer) {
      await this.options.store.releaseLease(context);
      return { failure: `token_endpoint: ${answer.failure}` };
    }
    const obtainedAt = this.now();
    const lifetimeMs = (answer.expiresInSeconds ?? DEFAULT_LIFETIME_SECONDS) * 1000;
    const refreshAtMs = obtainedAt + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 10);
    await this.options.store.store(context, {
      sealedToken: await this.options.sealer.seal(answer.accessToken, context),
      fingerprint,
      refreshAtMs,
      expiresAtMs: obtainedAt + lifetimeMs,
    });
    this.kept.set(name, { fingerprint, token: answer.accessToken, refreshAtMs });
    return { token: answer.accessToken };
  }
}
