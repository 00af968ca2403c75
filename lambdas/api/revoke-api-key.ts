import { adminHandler } from './http-handler';
import { apiKeyService } from './admin-services-instance';

export const handler = adminHandler(
  async ({ pathParameters }) => {
    await apiKeyService.revokeForTenant(pathParameters.tenantId, pathParameters.keyHash);
    return { statusCode: 204 };
  },
  { takesBody: false },
);
