import { apiHandler } from './http-handler';
import { verifyingWebhookService } from './verifying-webhook-service';

export const handler = apiHandler(
  async ({ tenantId, pathParameters, body }) => ({
    statusCode: 200,
    body: await verifyingWebhookService.update(tenantId, pathParameters.webhookId ?? '', body),
  }),
  { takesBody: true },
);
