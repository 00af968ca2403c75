import { loadConfig } from '../adapters/config';
import { destinationPolicyFor } from '../core/destination-policy';
import { apiHandler } from './http-handler';
import { platformIdentityOf } from './platform-identity';

const platform = platformIdentityOf(loadConfig());

export const handler = apiHandler(
  async ({ tenantId, query }) => ({ statusCode: 200, body: destinationPolicyFor(tenantId, query, platform) }),
  { takesBody: false },
);
