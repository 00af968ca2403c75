import { CONSOLE_PATH } from '../core/access/portal-links';
import { adminHandler } from './http-handler';
import { apiKeyService } from './admin-services-instance';

/** The console is served under the API's own URL, so the link is built from the URL this request came to. */
export const handler = adminHandler(
  async ({ pathParameters, body, publicBaseUrl }) => ({
    statusCode: 201,
    body: await apiKeyService.createPortalLinkForTenant(
      pathParameters.tenantId,
      body,
      `${publicBaseUrl}${CONSOLE_PATH}`,
    ),
  }),
  { takesBody: true },
);
