import { platformIdentity } from '../core/webhooks/aws-destination';
import { destinationPolicyFor } from '../core/webhooks/destination-policy';
import { apiHandler } from './http-handler';

// this route touches no table, so it has no TABLE_NAME and does not load the whole configuration
const roleArn = process.env.DESTINATIONS_ROLE_ARN;
const platform = roleArn ? platformIdentity(roleArn) : undefined;

export const handler = apiHandler(
  async ({ tenantId, query }) => ({ statusCode: 200, body: destinationPolicyFor(tenantId, query, platform) }),
  { takesBody: false },
);
