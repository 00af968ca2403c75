import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { documentClient } from '../adapters/dynamo-client';
import { DynamoApiKeyRepository } from '../adapters/api-key-repository';
import { loadConfig } from '../adapters/config';
import { logger } from '../adapters/observability';
import { bearerToken } from '../core/api-keys';
import { ApiKeyService } from '../core/api-key-service';

const apiKeys = new ApiKeyService(new DynamoApiKeyRepository(documentClient, loadConfig().TABLE_NAME));

/** API Gateway turns this exact message into a 401 (our UNAUTHORIZED gateway response gives it the error shape). */
export const UNAUTHORIZED = 'Unauthorized';

/**
 * Allows every route of the API for a valid key: API Gateway caches the decision per key, so the policy
 * must cover all routes, not just the one that was called.
 */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const header = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const key = bearerToken(header);
  const tenantId = key ? await apiKeys.authenticate(key) : undefined;
  if (!tenantId) {
    logger.info('request refused: missing, unknown, revoked or expired API key or portal token');
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
