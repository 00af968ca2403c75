import { apiHandler } from './http-handler';
import { webhookService } from './webhook-service-instance';

export const handler = apiHandler(
  async ({ tenantId, body }) => {
    const webhook = await webhookService.create(tenantId, body);
    return { statusCode: 201, body: webhook, headers: { Location: `/v2/webhooks/${webhook.id}` } };
  },
  { takesBody: true },
);
