import { createHmac } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';

export interface SignatureInput {
  /** Becomes webhook-id: the same on every retry, so receivers can drop duplicates. */
  messageId: string;
  /** When this attempt is made; re-signed on every attempt. */
  timestamp: Date;
  body: string;
  /** The current secret first; during rotation, the previous one too. */
  secrets: readonly string[];
}

/** `sha256=<hex HMAC-SHA256>` keyed with the secret's UTF-8 bytes over the raw body (GitHub-style verifiers). */
export function githubStyleSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** The signature headers of one delivery attempt (docs/design.md §8): our own header and the Standard Webhooks set. */
export function signatureHeaders({ messageId, timestamp, body, secrets }: SignatureInput): Record<string, string> {
  const [current] = secrets;
  if (current === undefined) throw new Error('a delivery needs at least one secret');
  return {
    'X-Verifik-Signature': githubStyleSignature(current, body),
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': secrets
      .map((secret) => new StandardWebhook(secret).sign(messageId, timestamp, body))
      .join(' '),
  };
}
