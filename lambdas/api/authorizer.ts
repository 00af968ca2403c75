import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { documentClient } from '../adapters/dynamo-client';
import { DynamoApiKeyRepository } from '../adapters/api-key-repository';
import { loadConfig, required, type PlatformConfig } from '../adapters/config';
import { jwtAuthenticator } from '../adapters/jwt-authenticator';
import { logger } from '../adapters/observability';
import { bearerToken } from '../core/access/api-keys';
import { ApiKeyService } from '../core/access/api-key-service';
import { bearerAuthenticator, type TenantAuthenticator } from '../core/access/bearer-authentication';

const config = loadConfig();
const apiKeys = new ApiKeyService(new DynamoApiKeyRepository(documentClient, config.TABLE_NAME));

/** JWT mode when an issuer is configured; then its audience and tenant claim must be too. */
function jwtMode(settings: PlatformConfig): TenantAuthenticator | undefined {
  if (!settings.AUTH_JWT_ISSUER) return undefined;
  return jwtAuthenticator({
    issuer: settings.AUTH_JWT_ISSUER,
    audience: required(settings.AUTH_JWT_AUDIENCE, 'AUTH_JWT_AUDIENCE'),
    tenantClaim: required(settings.AUTH_JWT_TENANT_CLAIM, 'AUTH_JWT_TENANT_CLAIM'),
    jwksUrl: settings.AUTH_JWT_JWKS_URL,
    algorithms: settings.AUTH_JWT_ALGORITHMS,
    allowLoopbackJwks: settings.ALLOW_LOOPBACK_URLS,
    maxLifetimeSeconds: settings.AUTH_JWT_MAX_LIFETIME_SECONDS,
  });
}

const credentials = bearerAuthenticator(
  { tenantOf: (key) => apiKeys.authenticate(key) },
  { apiKeys: config.AUTH_API_KEYS, jwt: jwtMode(config) },
);

/** API Gateway turns this exact message into a 401 (our UNAUTHORIZED gateway response gives it the error shape). */
export const UNAUTHORIZED = 'Unauthorized';

/**
 * Allows every route of the API for a valid credential: API Gateway caches the decision per key, so the policy
 * must cover all routes, not just the one that was called.
 */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const header = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const credential = bearerToken(header);
  // an IdentityProviderUnavailableError leaves as the authorizer's failure: API Gateway's AUTHORIZER_FAILURE, a 503
  const tenantId = credential ? await credentials.tenantOf(credential) : undefined;
  if (!tenantId) {
    logger.info('request refused: missing, unknown, revoked or expired credential (API key, portal token or JWT)');
    throw new Error(UNAUTHORIZED);
  }
  const [arnPrefix, stage] = event.methodArn.split('/');
  return {
    principalId: tenantId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: `${arnPrefix}/${stage}/*` }],
    },
    context: { tenantId },
  };
}
