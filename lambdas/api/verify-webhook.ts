import { apiHandler } from './http-handler';
import { verifyingWebhookService } from './verifying-webhook-service';

/** `POST /v2/webhooks/{id}/verify`: a new run of verification challenges (docs/design.md §18). */
export const handler = apiHandler(
  async ({ tenantId, pathParameters }) => ({
    statusCode: 202,
    body: await verifyingWebhookService.verify(tenantId, pathParameters.webhookId ?? ''),
  }),
  { takesBody: false },
);
