import { adminHandler } from './http-handler';
import { tenantService } from './admin-services-instance';

export const handler = adminHandler(
  async ({ pathParameters }) => ({ statusCode: 200, body: await tenantService.get(pathParameters.tenantId) }),
  { takesBody: false },
);
