import { awaitingVerification } from './endpoint-verification';
import { EndpointNotVerifiedError, NotFoundError, WebhookInactiveError } from '../common/errors';
import { WEBHOOK_ID_PATTERN } from '../common/ids';
import type { Webhook } from './webhook';
import type { WebhookStore } from './webhook-store';

/**
 * The caller's webhook, for a route that sends to it (retry, test, recover): an id of another tenant, or not a
 * webhook id at all, is a 404; a paused or disabled webhook a 409, since the deliver function would only skip
 * or park what is queued for it; so is one whose endpoint has not consented yet (it would only be skipped).
 */
export async function activeWebhookOf(
  webhooks: Pick<WebhookStore, 'get'>,
  tenantId: string,
  webhookId: string,
): Promise<Webhook> {
  const webhook = WEBHOOK_ID_PATTERN.test(webhookId) ? await webhooks.get(tenantId, webhookId) : undefined;
  if (!webhook) throw new NotFoundError();
  if (!webhook.active) throw new WebhookInactiveError();
  if (awaitingVerification(webhook)) throw new EndpointNotVerifiedError();
  return webhook;
}
