import type { Webhook } from './api-types';

/**
 * The API shows a webhook's signing secret once, in the answer of create (and of a rotation). The form hands that
 * answer to the webhook's page here, in memory only (never in storage or a URL), and the page takes it once.
 */
let justCreated: Webhook | undefined;

export function handOverCreated(webhook: Webhook): void {
  justCreated = webhook;
}

export function takeCreated(webhookId: string): Webhook | undefined {
  const created = justCreated?.id === webhookId ? justCreated : undefined;
  justCreated = undefined;
  return created;
}
