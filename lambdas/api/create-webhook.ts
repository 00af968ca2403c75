import { apiHandler } from './http-handler';
import { verifyingWebhookService } from './verifying-webhook-service';

export const handler = apiHandler(
  async ({ tenantId, body }) => {
    const webhook = await verifyingWebhookService.create(tenantId, body);
    return { statusCode: 201, body: webhook, headers: { Location: `/v2/webhooks/${webhook.id}` } };
  },
  { takesBody: true },
);
