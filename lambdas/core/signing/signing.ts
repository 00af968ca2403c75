import { createHmac } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { ed25519Signature, type SigningKeys } from '../webhooks/signing-keys';

export interface SignatureInput extends SigningKeys {
  /** Becomes webhook-id: the same on every retry, so receivers can drop duplicates. */
  messageId: string;
  /** When this attempt is made; re-signed on every attempt. */
  timestamp: Date;
  body: string;
}

/** `sha256=<hex HMAC-SHA256>` keyed with the secret's UTF-8 bytes over the raw body (GitHub-style verifiers). */
export function githubStyleSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * The signature headers of one delivery attempt (docs/design.md §8, §18): our own header and the Standard Webhooks
 * set, whose `webhook-signature` holds one `v1,` entry per secret and one `v1a,` entry per ed25519 key.
 */
export function signatureHeaders({
  messageId,
  timestamp,
  body,
  secrets,
  privateKeys,
}: SignatureInput): Record<string, string> {
  const [current] = secrets;
  if (current === undefined) throw new Error('a delivery needs at least one secret');
  const seconds = String(Math.floor(timestamp.getTime() / 1000));
  const signedContent = `${messageId}.${seconds}.${body}`;
  return {
    'X-Verifik-Signature': githubStyleSignature(current, body),
    'webhook-id': messageId,
    'webhook-timestamp': seconds,
    'webhook-signature': [
      ...secrets.map((secret) => new StandardWebhook(secret).sign(messageId, timestamp, body)),
      ...privateKeys.map((key) => `v1a,${ed25519Signature(key, signedContent)}`),
    ].join(' '),
  };
}
