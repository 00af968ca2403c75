import { adminHandler } from './http-handler';
import { tenantErasureService } from './erasure-services-instance';

/** 202: the tenant is sealed (nothing of it is sent from now on) and its items go in the background. */
export const handler = adminHandler(
  async ({ pathParameters }) => {
    const { erasureId, tenantId, status, startedAt } = await tenantErasureService.begin(pathParameters.tenantId);
    return {
      statusCode: 202,
      body: { erasureId, tenantId, status, startedAt, statusPath: `/admin/erasures/${erasureId}` },
    };
  },
  { takesBody: false },
);
