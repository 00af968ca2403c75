import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * Whose secret a sealed value is. It is bound into the data key (the KMS encryption context) and into the
 * ciphertext (AES-GCM's additional data), so a value copied onto another webhook or tenant does not open.
 */
export interface SealContext {
  tenantId: string;
  webhookId: string;
}

/**
 * Encrypts secrets kept in the table (client secrets, passwords, private keys) so that reading the table reveals none.
 */
export interface SecretSealer {
  /** `v1:…`, safe to store; never the plaintext. */
  seal(plaintext: string, context: SealContext): Promise<string>;
  /** The plaintext, or a `SecretUnreadableError` (tampered, another context, unknown format). */
  open(sealed: string, context: SealContext): Promise<string>;
}

/** A fresh 256-bit data key: in clear to use now, encrypted under the master key to store beside the data. */
export interface DataKey {
  plaintext: Uint8Array;
  encrypted: Uint8Array;
}

/**
 * What a data key is bound to (the KMS encryption context): a webhook's `SealContext`, or a tenant's signing-secret
 * key (tenant-key-sealer.ts). Names and values are plain strings; a key opens only for the context it was made for.
 */
export type EncryptionContext = Readonly<Record<string, string>>;

/** Where data keys come from: KMS on AWS (GenerateDataKey, Decrypt), a local key on a laptop. */
export interface DataKeyProvider {
  generate(context: EncryptionContext): Promise<DataKey>;
  decrypt(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array>;
}

/** A sealed value that cannot be opened; its message never holds the value or a key. */
export class SecretUnreadableError extends Error {
  constructor(reason: string) {
    super(`A sealed secret could not be opened: ${reason}`);
    this.name = 'SecretUnreadableError';
  }
}

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/**
 * A data key seals this container's new secrets of one webhook for this long (a handful of seals, far from GCM's
 * limits).
 */
const DATA_KEY_REUSE_MS = 5 * 60_000;
/** Data keys a container keeps in clear, each way: enough for a deliver batch's webhooks, small enough to be cheap. */
const CACHED_DATA_KEYS = 200;

/** Exactly the webhook's two names: a caller's object with more in it never widens the KMS encryption context. */
const webhookContext = ({ tenantId, webhookId }: SealContext): EncryptionContext => ({ tenantId, webhookId });
const contextKey = ({ tenantId, webhookId }: SealContext) => JSON.stringify([tenantId, webhookId]);
const additionalData = (context: SealContext) => Buffer.from(`${FORMAT}\n${contextKey(context)}`);

/**
 * Envelope encryption (docs/architecture.md, "Endpoint auth"): AES-256-GCM under a data key that the provider
 * generates and encrypts for the value's context. `v1:<encrypted data key>:<iv>:<ciphertext and tag>`, each part
 * base64url. Data keys are cached per container (LRU), so a warm container opens a webhook's secrets without a
 * KMS request, and sealing reuses one data key per webhook for a few minutes.
 */
export class EnvelopeSealer implements SecretSealer {
  private readonly sealingKeys = new LRUCache<string, DataKey>({ max: CACHED_DATA_KEYS, ttl: DATA_KEY_REUSE_MS });
  private readonly openingKeys = new LRUCache<string, Uint8Array>({ max: CACHED_DATA_KEYS });

  constructor(private readonly provider: DataKeyProvider) {}

  async seal(plaintext: string, context: SealContext): Promise<string> {
    const key = await this.sealingKey(context);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.plaintext, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [FORMAT, Buffer.from(key.encrypted), iv, ciphertext].map(encodePart).join(':');
  }

  async open(sealed: string, context: SealContext): Promise<string> {
    const parts = sealed.split(':');
    if (parts.length !== 4 || parts[0] !== FORMAT) throw new SecretUnreadableError('not a v1 sealed value');
    const [encryptedKey, iv, ciphertext] = parts.slice(1).map((part) => Buffer.from(part, 'base64url'));
    if (iv.length !== IV_BYTES || ciphertext.length < TAG_BYTES || encryptedKey.length === 0) {
      throw new SecretUnreadableError('malformed');
    }
    const key = await this.openingKey(encryptedKey, context);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(context));
      decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
      const body = ciphertext.subarray(0, ciphertext.length - TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError('altered, or sealed for another webhook');
    }
  }

  private async sealingKey(context: SealContext): Promise<DataKey> {
    const name = contextKey(context);
    const kept = this.sealingKeys.get(name);
    if (kept) return kept;
    const key = await this.provider.generate(webhookContext(context));
    this.sealingKeys.set(name, key);
    // the key just made opens what it seals without asking the provider again
    this.openingKeys.set(`${name}:${encodePart(Buffer.from(key.encrypted))}`, key.plaintext);
    return key;
  }

  private async openingKey(encrypted: Buffer, context: SealContext): Promise<Uint8Array> {
    // keyed by context too: a cached key must never skip the provider's own check of the context
    const name = `${contextKey(context)}:${encodePart(encrypted)}`;
    const kept = this.openingKeys.get(name);
    if (kept) return kept;
    let key: Uint8Array;
    try {
      key = await this.provider.decrypt(encrypted, webhookContext(context));
    } catch (error) {
      if (error instanceof DataKeyRefusedError)
        throw new SecretUnreadableError('its data key was refused for this webhook');
      throw error;
    }
    this.openingKeys.set(name, key);
    return key;
  }
}

/**
 * Providers throw `DataKeyRefusedError` when a data key does not open for this context (KMS:
 * InvalidCiphertextException).
 */
export class DataKeyRefusedError extends Error {
  constructor() {
    super('The data key does not open for this context');
    this.name = 'DataKeyRefusedError';
  }
}

function encodePart(part: string | Uint8Array): string {
  return typeof part === 'string' ? part : Buffer.from(part).toString('base64url');
}
