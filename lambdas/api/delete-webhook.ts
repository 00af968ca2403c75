import { apiHandler } from './http-handler';
import { webhookService } from './webhook-service-instance';

export const handler = apiHandler(
  async ({ tenantId, pathParameters }) => {
    await webhookService.delete(tenantId, pathParameters.webhookId ?? '');
    return { statusCode: 204 };
  },
  { takesBody: false },
);
