import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import {
  DataKeyRefusedError,
  SecretUnreadableError,
  type DataKeyProvider,
  type EncryptionContext,
  type SealContext,
  type SecretSealer,
} from './secret-sealer';

/** Where each tenant's data key is kept, encrypted: written once, then only read. */
export interface TenantKeyStore {
  /** The tenant's encrypted data key, or undefined when it has none yet. */
  read(tenantId: string): Promise<Uint8Array | undefined>;
  /** Keeps `encrypted` unless the tenant already has a key; the key kept, either way. */
  keep(tenantId: string, encrypted: Uint8Array): Promise<Uint8Array>;
}

/** What a tenant's data key is for, in its encryption context (the SecretsKey's grants name these two keys). */
export const TENANT_KEY_PURPOSE = 'signing-secrets';
export const tenantKeyContext = (tenantId: string): EncryptionContext => ({ tenantId, purpose: TENANT_KEY_PURPOSE });

const FORMAT = 's1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/**
 * Tenants whose data key a container keeps in clear (32 bytes each): far more than a container meets, so each
 * tenant costs one KMS Decrypt per container lifetime; the bound only keeps a container's memory finite.
 */
const CACHED_TENANT_KEYS = 10_000;

const additionalData = ({ tenantId, webhookId }: SealContext) =>
  Buffer.from(`${FORMAT}\n${JSON.stringify([tenantId, webhookId])}`);

/**
 * Seals the values every delivery needs (HMAC signing secrets) under one data key per tenant, so that delivering
 * to any number of a tenant's webhooks costs one KMS Decrypt per container, where a data key per webhook (the
 * `EnvelopeSealer`) would thrash its cache past a few hundred active webhooks. `s1:<iv>:<ciphertext and tag>`,
 * base64url, AES-256-GCM; the tenant and webhook are its additional data, so a value copied onto another webhook
 * or tenant does not open. The tenant's key is generated on its first seal and stored once (`TenantKeyStore`).
 */
export class TenantKeySealer implements SecretSealer {
  private readonly keys = new LRUCache<string, Promise<Uint8Array>>({ max: CACHED_TENANT_KEYS });

  constructor(
    private readonly provider: DataKeyProvider,
    private readonly store: TenantKeyStore,
  ) {}

  async seal(plaintext: string, context: SealContext): Promise<string> {
    const key = await this.keyOf(context.tenantId, { create: true });
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [FORMAT, iv.toString('base64url'), ciphertext.toString('base64url')].join(':');
  }

  async open(sealed: string, context: SealContext): Promise<string> {
    const parts = sealed.split(':');
    if (parts.length !== 3 || parts[0] !== FORMAT) throw new SecretUnreadableError('not an s1 sealed value');
    const [iv, ciphertext] = parts.slice(1).map((part) => Buffer.from(part, 'base64url'));
    if (iv!.length !== IV_BYTES || ciphertext!.length < TAG_BYTES) throw new SecretUnreadableError('malformed');
    const key = await this.keyOf(context.tenantId, { create: false });
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv!, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(context));
      decipher.setAuthTag(ciphertext!.subarray(ciphertext!.length - TAG_BYTES));
      const body = ciphertext!.subarray(0, ciphertext!.length - TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError('altered, or sealed for another webhook');
    }
  }

  /** One load per tenant and container: concurrent callers share it; a failed load is forgotten, to be tried again. */
  private keyOf(tenantId: string, { create }: { create: boolean }): Promise<Uint8Array> {
    const kept = this.keys.get(tenantId);
    if (kept) return kept;
    const loading = this.load(tenantId, create);
    this.keys.set(tenantId, loading);
    loading.catch(() => {
      if (this.keys.get(tenantId) === loading) this.keys.delete(tenantId);
    });
    return loading;
  }

  private async load(tenantId: string, create: boolean): Promise<Uint8Array> {
    const stored = await this.store.read(tenantId);
    if (stored) return this.decrypt(stored, tenantId);
    if (!create) throw new SecretUnreadableError('its tenant has no data key');
    const fresh = await this.provider.generate(tenantKeyContext(tenantId));
    const kept = await this.store.keep(tenantId, fresh.encrypted);
    // another container made the tenant's key first: theirs is the one every value is sealed under
    return Buffer.from(kept).equals(Buffer.from(fresh.encrypted)) ? fresh.plaintext : this.decrypt(kept, tenantId);
  }

  private async decrypt(encrypted: Uint8Array, tenantId: string): Promise<Uint8Array> {
    try {
      return await this.provider.decrypt(encrypted, tenantKeyContext(tenantId));
    } catch (error) {
      if (error instanceof DataKeyRefusedError) throw new SecretUnreadableError("its tenant's data key was refused");
      throw error;
    }
  }
}
