import { apiHandler } from './http-handler';
import { eventLogService } from './log-services-instance';

export const handler = apiHandler(
  async ({ tenantId, query }) => ({ statusCode: 200, body: await eventLogService.list(tenantId, query) }),
  {
    takesBody: false,
  },
);
