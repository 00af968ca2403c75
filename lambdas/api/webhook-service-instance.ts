import { documentClient } from '../adapters/dynamo-client';
import { loadConfig } from '../adapters/config';
import { secretSealerFor, signingSecretSealerFor } from '../adapters/secret-sealer-instance';
import { tenantLimitsReader } from '../adapters/tenant-repository';
import { DynamoWebhookRepository } from '../adapters/webhook-repository';
import { WebhookService } from '../core/webhooks/webhook-service';
import { eventCatalog } from './event-catalog-instance';
import { platformIdentityOf } from './platform-identity';

export const config = loadConfig();

export const webhookServiceSettings = {
  store: new DynamoWebhookRepository(documentClient, config.TABLE_NAME),
  catalog: eventCatalog,
  urlPolicy: { allowHttp: config.ALLOW_HTTP_URLS, allowLoopback: config.ALLOW_LOOPBACK_URLS },
  platform: platformIdentityOf(config),
  maxWebhooksPerTenant: config.MAX_WEBHOOKS_PER_TENANT,
  sealer: secretSealerFor(config),
  signingSecretSealer: signingSecretSealerFor(config, documentClient, config.TABLE_NAME),
  tenantLimits: tenantLimitsReader(documentClient, config.TABLE_NAME, { maxWebhooks: config.MAX_WEBHOOKS_PER_TENANT }),
};

/**
 * The service the API routes that read, delete or rotate use, built once per container from the environment. The
 * routes that give a webhook a URL or verify it use `verifying-webhook-service.ts`, which can queue a challenge.
 */
export const webhookService = new WebhookService(webhookServiceSettings);
