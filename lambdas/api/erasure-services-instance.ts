import { loadConfig, required } from '../adapters/config';
import { documentClient } from '../adapters/dynamo-client';
import { DynamoErasureRepository } from '../adapters/erasure-repository';
import { sqsErasureJobQueue } from '../adapters/platform-queues';
import { sqsClient } from '../adapters/sqs-client';
import { SqsQueues } from '../adapters/sqs-queues';
import { DynamoTenantRepository } from '../adapters/tenant-repository';
import { TenantErasureService } from '../core/access/tenant-erasure';

const config = loadConfig();
const tenants = new DynamoTenantRepository(documentClient, config.TABLE_NAME);

/** Tenant erasure's service (docs/design.md §16), built once per container from the environment. */
export const tenantErasureService = new TenantErasureService({
  tenants,
  footprint: tenants,
  store: new DynamoErasureRepository(documentClient, config.TABLE_NAME),
  // built on first use: GetErasure's function sends nothing and has no queue URL
  get jobs() {
    return sqsErasureJobQueue(new SqsQueues(sqsClient), required(config.ERASURES_QUEUE_URL, 'ERASURES_QUEUE_URL'));
  },
});
