import { adminHandler } from './http-handler';
import { apiKeyService } from './admin-services-instance';

export const handler = adminHandler(
  async ({ pathParameters, body }) => ({
    statusCode: 201,
    body: await apiKeyService.createForTenant(pathParameters.tenantId, body),
  }),
  { takesBody: true },
);
