import { adminHandler } from './http-handler';
import { tenantErasureService } from './erasure-services-instance';

export const handler = adminHandler(
  async ({ pathParameters }) => ({ statusCode: 200, body: await tenantErasureService.get(pathParameters.erasureId) }),
  { takesBody: false },
);
