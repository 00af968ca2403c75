import { apiHandler } from './http-handler';
import { deliveryLogService } from './log-services-instance';

export const handler = apiHandler(
  async ({ tenantId, pathParameters }) => ({
    statusCode: 200,
    body: await deliveryLogService.get(tenantId, pathParameters.webhookId ?? '', pathParameters.eventId ?? ''),
  }),
  { takesBody: false },
);
