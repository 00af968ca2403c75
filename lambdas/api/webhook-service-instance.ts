import { documentClient } from '../adapters/dynamo-client';
import { loadConfig } from '../adapters/config';
import { tenantLimitsReader } from '../adapters/tenant-repository';
import { DynamoWebhookRepository } from '../adapters/webhook-repository';
import { WebhookService } from '../core/webhook-service';

const config = loadConfig();

/** The service every API route uses, built once per container from the environment. */
export const webhookService = new WebhookService({
  store: new DynamoWebhookRepository(documentClient, config.TABLE_NAME),
  urlPolicy: { allowHttp: config.ALLOW_HTTP_URLS, allowLoopback: config.ALLOW_LOOPBACK_URLS },
  maxWebhooksPerTenant: config.MAX_WEBHOOKS_PER_TENANT,
  tenantLimits: tenantLimitsReader(documentClient, config.TABLE_NAME, { maxWebhooks: config.MAX_WEBHOOKS_PER_TENANT }),
});
