import { apiHandler } from './http-handler';
import { deliveryLogService } from './log-services-instance';

export const handler = apiHandler(
  async ({ tenantId, pathParameters, query }) => ({
    statusCode: 200,
    body: await deliveryLogService.list(tenantId, pathParameters.webhookId ?? '', query),
  }),
  { takesBody: false },
);
