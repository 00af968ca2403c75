import { generateApiKey, hashApiKey, TENANT_ID_PATTERN, type ApiKeyRecord } from './api-keys';
import { ValidationError } from './errors';

export interface ApiKeyStore {
  put(record: ApiKeyRecord): Promise<void>;
  find(keyHash: string): Promise<ApiKeyRecord | undefined>;
  listAll(): Promise<ApiKeyRecord[]>;
  revoke(keyHash: string, revokedAt: string): Promise<boolean>;
}

/** Minting, listing, revoking and checking API keys. Only a key's SHA-256 is ever stored. */
export class ApiKeyService {
  constructor(
    private readonly store: ApiKeyStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Returns the key itself: the only time it exists outside the caller's hands. */
  async create(tenantId: string, name: string, key: string = generateApiKey()): Promise<{ key: string; record: ApiKeyRecord }> {
    if (!TENANT_ID_PATTERN.test(tenantId)) {
      throw new ValidationError('Invalid tenant: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');
    }
    const record: ApiKeyRecord = { keyHash: hashApiKey(key), tenantId, name, createdAt: this.now().toISOString() };
    await this.store.put(record);
    return { key, record };
  }

  /** The tenant a key belongs to, or undefined when the key is unknown or revoked. */
  async authenticate(key: string): Promise<string | undefined> {
    const record = await this.store.find(hashApiKey(key));
    return record && !record.revokedAt ? record.tenantId : undefined;
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
