import type { Webhook } from '../core/webhooks/webhook';

/** A webhook as the table holds it: the domain object under its keys; `erasure` makes it a tombstone. */
export type WebhookItem = Webhook & { pk: string; sk: string; erasure?: string };

/**
 * The webhook an item holds, or none when the item is the tombstone of a tenant being erased (erasure-repository.ts):
 * every reader (the API, fan-out, the deliver lanes, verification, recovery) then sees the webhook as deleted, with
 * no extra read, from the moment the erasure was answered.
 */
export function toWebhook({ pk: _pk, sk: _sk, erasure, ...webhook }: WebhookItem): Webhook | undefined {
  return erasure === undefined ? webhook : undefined;
}
