import { documentClient } from '../adapters/dynamo-client';
import { loadConfig } from '../adapters/config';
import { DynamoPublicKeyRepository } from '../adapters/public-key-repository';
import { PublicKeyService } from '../core/signing/public-key-service';
import { publicApiHandler } from './http-handler';

const service = new PublicKeyService(new DynamoPublicKeyRepository(documentClient, loadConfig().TABLE_NAME));

/**
 * Public: no authorizer. Caches may keep the answer a minute: after a rotation with a grace period (a day by
 * default) the old key still signs, so a cached list still verifies.
 */
export const handler = publicApiHandler(async ({ pathParameters }) => ({
  statusCode: 200,
  body: await service.publicKeys(pathParameters.webhookId ?? ''),
  headers: { 'Cache-Control': 'public, max-age=60' },
}));
