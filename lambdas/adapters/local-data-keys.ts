import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  DataKeyRefusedError,
  type DataKey,
  type DataKeyProvider,
  type EncryptionContext,
} from '../core/common/secret-sealer';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The context as additional data, names in order. A webhook's context stays `[tenantId, webhookId]`, the form its
 * values were sealed with before tenant keys existed; any other context carries its names too.
 */
function contextData(context: EncryptionContext): Buffer {
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const webhook = entries.length === 2 && entries[0]![0] === 'tenantId' && entries[1]![0] === 'webhookId';
  return Buffer.from(JSON.stringify(webhook ? entries.map(([, value]) => value) : entries));
}

/**
 * KMS's stand-in on a laptop (`SECRETS_LOCAL_KEY`, 32 bytes in base64): data keys are wrapped with AES-256-GCM
 * under the local key, the context as additional data, so they open only for the context they were made for,
 * as KMS's encryption context does.
 */
export class LocalDataKeys implements DataKeyProvider {
  private readonly masterKey: Buffer;

  constructor(base64Key: string) {
    this.masterKey = Buffer.from(base64Key, 'base64');
    if (this.masterKey.length !== KEY_BYTES)
      throw new Error('Invalid configuration: SECRETS_LOCAL_KEY must be 32 bytes in base64');
  }

  async generate(context: EncryptionContext): Promise<DataKey> {
    const plaintext = randomBytes(KEY_BYTES);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(contextData(context));
    const wrapped = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return { plaintext, encrypted: Buffer.concat([iv, wrapped]) };
  }

  async decrypt(encrypted: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    const blob = Buffer.from(encrypted);
    if (blob.length !== IV_BYTES + KEY_BYTES + TAG_BYTES) throw new DataKeyRefusedError();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.masterKey, blob.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(contextData(context));
      decipher.setAuthTag(blob.subarray(blob.length - TAG_BYTES));
      return Buffer.concat([decipher.update(blob.subarray(IV_BYTES, blob.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new DataKeyRefusedError();
    }
  }
}
