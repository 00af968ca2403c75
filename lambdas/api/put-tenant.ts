import { adminHandler } from './http-handler';
import { tenantService } from './admin-services-instance';

export const handler = adminHandler(
  async ({ pathParameters, body }) => {
    const { tenant, created } = await tenantService.put(pathParameters.tenantId, body);
    return { statusCode: created ? 201 : 200, body: tenant };
  },
  { takesBody: true },
);
