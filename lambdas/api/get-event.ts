import { apiHandler } from './http-handler';
import { eventLogService } from './log-services-instance';

export const handler = apiHandler(
  async ({ tenantId, pathParameters }) => ({
    statusCode: 200,
    body: await eventLogService.get(tenantId, pathParameters.eventId ?? ''),
  }),
  { takesBody: false },
);
