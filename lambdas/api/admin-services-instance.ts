import { DynamoApiKeyRepository } from '../adapters/api-key-repository';
import { loadConfig } from '../adapters/config';
import { documentClient } from '../adapters/dynamo-client';
import { DynamoTenantRepository } from '../adapters/tenant-repository';
import { ApiKeyService } from '../core/access/api-key-service';
import { TenantService } from '../core/access/tenant-service';
import { eventCatalog } from './event-catalog-instance';
import { eventLogService } from './log-services-instance';

const config = loadConfig();
const tenants = new DynamoTenantRepository(documentClient, config.TABLE_NAME);

/** The operator plane's services (docs/design.md §16), built once per container from the environment. */
export const tenantService = new TenantService({
  store: tenants,
  footprint: tenants,
  events: eventLogService,
  catalog: eventCatalog,
});
export const apiKeyService = new ApiKeyService(new DynamoApiKeyRepository(documentClient, config.TABLE_NAME));
