import { recoveryService } from './delivery-actions-instance';
import { apiHandler } from './http-handler';

const service = recoveryService();

export const handler = apiHandler(
  async ({ tenantId, pathParameters, body }) => ({
    statusCode: 202,
    body: await service.start(tenantId, pathParameters.webhookId ?? '', body),
  }),
  { takesBody: true },
);
