import { adminHandler } from './http-handler';
import { tenantService } from './admin-services-instance';

export const handler = adminHandler(async ({ query }) => ({ statusCode: 200, body: await tenantService.list(query) }), {
  takesBody: false,
});
