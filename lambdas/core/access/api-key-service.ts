import {
  generateApiKey,
  generatePortalToken,
  hashApiKey,
  PORTAL_TOKEN_TTL_SECONDS,
  type ApiKeyRecord,
} from './api-keys';
import { NotFoundError, ValidationError } from '../common/errors';
import { portalLink } from './portal-links';
import { assertTenantId } from './tenants';
import { parseOrThrow } from '../common/validation';
import { nonEmptyText } from '../common/field-schemas';
import * as z from 'zod/mini';
import type { ApiKeySummarySchema } from './access-resources';

export interface ApiKeyStore {
  /**
   * Stores the key and, beside the tenant's other items, a reference to it (so a tenant's keys list without a Scan).
   */
  put(record: ApiKeyRecord): Promise<void>;
  find(keyHash: string): Promise<ApiKeyRecord | undefined>;
  listAll(): Promise<ApiKeyRecord[]>;
  /** A tenant's keys and portal tokens, from its references (keys minted before them are only in `listAll`). */
  listOfTenant(tenantId: string): Promise<ApiKeyRecord[]>;
  /** False when no such key exists, or (with `tenantId`) it is another tenant's. */
  revoke(keyHash: string, revokedAt: string, tenantId?: string): Promise<boolean>;
}

/** A key's life, when it should end by itself (`POST /admin/tenants/{t}/api-keys`). */
export const MAX_API_KEY_DAYS = 3650;
export const MAX_API_KEY_NAME_LENGTH = 200;

export const createApiKeySchema = z.strictObject({
  name: z.optional(nonEmptyText(MAX_API_KEY_NAME_LENGTH)),
  expiresInDays: z.optional(
    z
      .number({ error: `must be a whole number of days from 1 to ${MAX_API_KEY_DAYS}` })
      .check(
        z.refine(Number.isInteger, 'must be a whole number of days'),
        z.gte(1, 'must be at least 1 day'),
        z.lte(MAX_API_KEY_DAYS, `must be at most ${MAX_API_KEY_DAYS} days`),
      ),
  ),
});

export const createPortalLinkSchema = z.strictObject({
  ttlSeconds: z.optional(z.number({ error: 'must be a whole number of seconds' })),
});

/** A key as the admin API lists it: never the key, only its hash and state. */
export type ApiKeySummary = z.infer<typeof ApiKeySummarySchema>;

/** Minting, listing, revoking and checking API keys. Only a key's SHA-256 is ever stored. */
export class ApiKeyService {
  constructor(
    private readonly store: ApiKeyStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Returns the key itself: the only time it exists outside the caller's hands. */
  async create(
    tenantId: string,
    name: string,
    key: string = generateApiKey(),
    expiresInDays?: number,
  ): Promise<{ key: string; record: ApiKeyRecord }> {
    assertTenantId(tenantId);
    const now = this.now();
    const record: ApiKeyRecord = {
      keyHash: hashApiKey(key),
      tenantId,
      name,
      kind: 'api-key',
      createdAt: now.toISOString(),
      ...(expiresInDays ? { expiresAt: Math.floor(now.getTime() / 1000) + expiresInDays * 86_400 } : {}),
    };
    await this.store.put(record);
    return { key, record };
  }

  /**
   * A portal token: a credential like an API key, for one tenant, that stops working after `ttlSeconds`.
   * It stores an `expiresAt` the table's TTL deletes lazily; `authenticate` checks it itself.
   */
  async createPortalToken(
    tenantId: string,
    ttlSeconds: number = PORTAL_TOKEN_TTL_SECONDS.default,
  ): Promise<{ token: string; record: ApiKeyRecord; expiresAt: Date }> {
    assertTenantId(tenantId);
    const { min, max } = PORTAL_TOKEN_TTL_SECONDS;
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < min || ttlSeconds > max) {
      throw new ValidationError(
        `Invalid TTL: a portal token lives ${min} to ${max} seconds (24 hours), a whole number`,
      );
    }
    const now = this.now();
    const token = generatePortalToken();
    const expiresAtSeconds = Math.floor(now.getTime() / 1000) + ttlSeconds;
    const record: ApiKeyRecord = {
      keyHash: hashApiKey(token),
      tenantId,
      name: `portal link for ${tenantId}`,
      kind: 'portal-token',
      createdAt: now.toISOString(),
      expiresAt: expiresAtSeconds,
    };
    await this.store.put(record);
    return { token, record, expiresAt: new Date(expiresAtSeconds * 1000) };
  }

  /** The tenant a key or portal token belongs to, or undefined when it is unknown, revoked or expired. */
  async authenticate(key: string): Promise<string | undefined> {
    const record = await this.store.find(hashApiKey(key));
    if (!record || record.revokedAt) return undefined;
    // TTL deletion happens up to days late: expiry is decided here, to the second
    if (record.expiresAt !== undefined && record.expiresAt * 1000 <= this.now().getTime()) return undefined;
    return record.tenantId;
  }

  /** Whether a key (given in full) is already stored, revoked or not. */
  async exists(key: string): Promise<boolean> {
    return (await this.store.find(hashApiKey(key))) !== undefined;
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.store.listAll();
  }

  /** Revokes by key hash (what `list` shows), so an operator never needs the key itself. */
  revoke(keyHash: string): Promise<boolean> {
    return this.store.revoke(keyHash, this.now().toISOString());
  }

  /** `POST /admin/tenants/{t}/api-keys`: the key is in this answer only. */
  async createForTenant(tenantId: string | undefined, body: unknown) {
    const id = assertTenantId(tenantId);
    const { name, expiresInDays } = parseOrThrow(createApiKeySchema, body ?? {}, 'API key');
    const { key, record } = await this.create(id, name ?? `key for ${id}`, undefined, expiresInDays);
    return { key, ...this.summary(record) };
  }

  async listForTenant(tenantId: string | undefined): Promise<{ data: ApiKeySummary[] }> {
    const records = await this.store.listOfTenant(assertTenantId(tenantId));
    return { data: records.map((record) => this.summary(record)) };
  }

  async revokeForTenant(tenantId: string | undefined, keyHash: string | undefined): Promise<void> {
    const id = assertTenantId(tenantId);
    const revoked =
      /^[0-9a-f]{64}$/.test(keyHash ?? '') && (await this.store.revoke(keyHash!, this.now().toISOString(), id));
    if (!revoked) throw new NotFoundError(`Tenant ${id} has no API key with that hash`);
  }

  /** `POST /admin/tenants/{t}/portal-links`: the console link a product puts behind its "Manage webhooks" button. */
  async createPortalLinkForTenant(
    tenantId: string | undefined,
    body: unknown,
    consoleUrl: string,
  ): Promise<{ url: string; expiresAt: string }> {
    const id = assertTenantId(tenantId);
    const { ttlSeconds } = parseOrThrow(createPortalLinkSchema, body ?? {}, 'portal link');
    const { token, expiresAt } = await this.createPortalToken(id, ttlSeconds);
    return { url: portalLink(consoleUrl, token), expiresAt: expiresAt.toISOString() };
  }

  private summary(record: ApiKeyRecord): ApiKeySummary {
    const expired = record.expiresAt !== undefined && record.expiresAt * 1000 <= this.now().getTime();
    return {
      keyHash: record.keyHash,
      name: record.name,
      kind: record.kind ?? 'api-key',
      state: record.revokedAt ? 'revoked' : expired ? 'expired' : 'active',
      createdAt: record.createdAt,
      ...(record.revokedAt ? { revokedAt: record.revokedAt } : {}),
      ...(record.expiresAt !== undefined ? { expiresAt: new Date(record.expiresAt * 1000).toISOString() } : {}),
    };
  }
}
