import {
  generateApiKey,
  generatePortalToken,
  hashApiKey,
  PORTAL_TOKEN_TTL_SECONDS,
  TENANT_ID_PATTERN,
  type ApiKeyRecord,
} from './api-keys';
import { ValidationError } from './errors';

export interface ApiKeyStore {
  put(record: ApiKeyRecord): Promise<void>;
  find(keyHash: string): Promise<ApiKeyRecord | undefined>;
  listAll(): Promise<ApiKeyRecord[]>;
  revoke(keyHash: string, revokedAt: string): Promise<boolean>;
}

function assertTenantId(tenantId: string): void {
  if (!TENANT_ID_PATTERN.test(tenantId)) {
    throw new ValidationError(
      'Invalid tenant: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
}

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
  ): Promise<{ key: string; record: ApiKeyRecord }> {
    assertTenantId(tenantId);
    const record: ApiKeyRecord = {
      keyHash: hashApiKey(key),
      tenantId,
      name,
      kind: 'api-key',
      createdAt: this.now().toISOString(),
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
}
