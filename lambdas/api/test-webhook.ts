import { testEventService } from './test-event-service-instance';
import { apiHandler } from './http-handler';

const service = testEventService();

export const handler = apiHandler(
  async ({ tenantId, pathParameters, body }) => ({
    statusCode: 202,
    body: await service.send(tenantId, pathParameters.webhookId ?? '', body),
  }),
  { takesBody: true },
);
