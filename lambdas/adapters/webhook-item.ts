import { firstNoticeKey } from '../core/webhooks/certificate-notices';
import type { StoredEndpointTls } from '../core/webhooks/endpoint-auth';
import type { Webhook } from '../core/webhooks/webhook';
import { keys } from './table-keys';

/**
 * A webhook as the table holds it: the domain object under its keys, its pending certificate notice, and `erasure`
 * that makes it a tombstone.
 */
export type WebhookItem = Webhook & { pk: string; sk: string; gsi1pk?: string; gsi1sk?: string; erasure?: string };

/**
 * The webhook an item holds, or none when the item is the tombstone of a tenant being erased (erasure-repository.ts):
 * every reader (the API, fan-out, the deliver lanes, verification, recovery) then sees the webhook as deleted, with
 * no extra read, from the moment the erasure was answered.
 */
export function toWebhook({
  pk: _pk,
  sk: _sk,
  gsi1pk: _gsi1pk,
  gsi1sk: _gsi1sk,
  erasure,
  ...webhook
}: WebhookItem): Webhook | undefined {
  return erasure === undefined ? webhook : undefined;
}

/**
 * The index attributes that list a webhook among the certificate notices to come (`EventsByTime` index,
 * partition `CERTIFICATE_NOTICES`), set whenever its client certificate is; none without one.
 */
export function certificateNoticeIndex(
  tls: StoredEndpointTls | undefined,
  now: string,
): { gsi1pk: string; gsi1sk: string } | undefined {
  const key = tls?.certificateExpiresAt && firstNoticeKey(tls.certificateExpiresAt, new Date(now));
  return key ? { gsi1pk: keys.certificateNotices, gsi1sk: key } : undefined;
}
