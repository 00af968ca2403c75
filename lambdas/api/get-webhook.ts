import { apiHandler } from './http-handler';
import { webhookService } from './webhook-service-instance';

export const handler = apiHandler(
  async ({ tenantId, pathParameters }) => ({
    statusCode: 200,
    body: await webhookService.get(tenantId, pathParameters.webhookId ?? ''),
  }),
  { takesBody: false },
);
