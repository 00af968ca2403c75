import { adminHandler } from './http-handler';
import { apiKeyService } from './admin-services-instance';

export const handler = adminHandler(
  async ({ pathParameters }) => ({ statusCode: 200, body: await apiKeyService.listForTenant(pathParameters.tenantId) }),
  { takesBody: false },
);
