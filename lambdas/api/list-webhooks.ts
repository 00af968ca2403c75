import { apiHandler } from './http-handler';
import { webhookService } from './webhook-service-instance';

export const handler = apiHandler(
  async ({ tenantId, query }) => ({ statusCode: 200, body: await webhookService.list(tenantId, query) }),
  { takesBody: false },
);
