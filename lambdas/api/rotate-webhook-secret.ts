import { apiHandler } from './http-handler';
import { webhookService } from './webhook-service-instance';

export const handler = apiHandler(
  async ({ tenantId, pathParameters, body }) => ({
    statusCode: 200,
    body: await webhookService.rotateSecret(tenantId, pathParameters.webhookId ?? '', body),
  }),
  { takesBody: true },
);
