import type { Webhook } from '../core/webhooks/webhook';

/** A webhook as the table holds it: the domain object under its keys. */
export type WebhookItem = Webhook & { pk: string; sk: string };

export function toWebhook({ pk: _pk, sk: _sk, ...webhook }: WebhookItem): Webhook {
  return webhook;
}
