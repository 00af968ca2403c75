import { MAX_AWS_MESSAGE_BYTES } from '../webhooks/aws-destination';
import type { DeliveryTask } from './delivery';
import { signatureHeaders } from '../signing/signing';
import { signingKeys, type SigningSealers } from '../webhooks/signing-keys';
import type { Webhook } from '../webhooks/webhook';

/** The Standard Webhooks headers an HTTP delivery carries, which a queue or topic message carries as attributes. */
const CARRIED_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/**
 * The attributes of an SQS or SNS message: the same id, timestamp and signature as the HTTP delivery of this
 * attempt, so a receiver de-duplicates and verifies it as it would a POST (the body is the same envelope): `v1`
 * with the HMAC secrets and, when the webhook has an ed25519 key, `v1a` with it.
 */
export async function signedAttributes(
  task: DeliveryTask,
  webhook: Webhook,
  startedAt: Date,
  sealers: SigningSealers,
): Promise<Record<string, string>> {
  const headers = signatureHeaders({
    messageId: task.eventId,
    timestamp: startedAt,
    body: task.payload,
    ...(await signingKeys(webhook, startedAt, sealers)),
  });
  return Object.fromEntries(CARRIED_HEADERS.map((name) => [name, headers[name]!]));
}

/**
 * Why the message is too large for the service, or undefined. SQS and SNS count the body and every attribute's
 * name, type (`String`) and value; EventBridge the entry's text fields; all three stop at 256 KiB.
 */
export function tooLargeReason(
  service: string,
  parts: readonly string[],
  limit = MAX_AWS_MESSAGE_BYTES,
): string | undefined {
  const bytes = parts.reduce((sum, part) => sum + Buffer.byteLength(part, 'utf8'), 0);
  return bytes > limit ? `too_large: the message is ${bytes} bytes; ${service} takes at most ${limit}` : undefined;
}

/** Every text an attribute map adds to the message's size. */
export function attributeParts(attributes: Record<string, string>): string[] {
  return Object.entries(attributes).flatMap(([name, value]) => [name, 'String', value]);
}
