import { retryDeliveryService } from './delivery-actions-instance';
import { apiHandler } from './http-handler';

const service = retryDeliveryService();

export const handler = apiHandler(
  async ({ tenantId, pathParameters }) => ({
    statusCode: 202,
    body: await service.retry(tenantId, pathParameters.webhookId ?? '', pathParameters.eventId ?? ''),
  }),
  { takesBody: false },
);
