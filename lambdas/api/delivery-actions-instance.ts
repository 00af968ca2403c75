import { loadConfig, required } from '../adapters/config';
import { DynamoDeliveryLogReader } from '../adapters/delivery-log-reader';
import { documentClient } from '../adapters/dynamo-client';
import { DynamoEventLogRepository } from '../adapters/event-log-repository';
import { DynamoManualAttemptRepository } from '../adapters/manual-attempt-repository';
import { tenantLimitsReader } from '../adapters/tenant-repository';
import { sqsDeliveryQueue, sqsRecoveryJobQueue } from '../adapters/platform-queues';
import { sqsClient } from '../adapters/sqs-client';
import { SqsQueues } from '../adapters/sqs-queues';
import { DynamoWebhookRepository } from '../adapters/webhook-repository';
import { RecoveryService } from '../core/recovery/recovery-service';
import { RetryDeliveryService } from '../core/recovery/retry-delivery-service';

// The retry and recovery routes (docs/design.md §6b; the test route's own is test-event-service-instance.ts). Each
// function is given only its own queue's URL (routes.ts `queues`), so each service is built on demand, by the one
// handler that uses it, once per container.
const config = loadConfig();
const tenantLimits = tenantLimitsReader(documentClient, config.TABLE_NAME, {
  maxWebhooks: config.MAX_WEBHOOKS_PER_TENANT,
});
const webhooks = () => new DynamoWebhookRepository(documentClient, config.TABLE_NAME);
const queues = () => new SqsQueues(sqsClient);
const manualAttempts = () =>
  new DynamoManualAttemptRepository(documentClient, config.TABLE_NAME, async (tenantId) => {
    return (await tenantLimits(tenantId)).manualAttemptsPerHour;
  });

export const retryDeliveryService = () =>
  new RetryDeliveryService({
    webhooks: webhooks(),
    events: new DynamoEventLogRepository(documentClient, config.TABLE_NAME),
    deliveries: new DynamoDeliveryLogReader(documentClient, config.TABLE_NAME),
    queue: sqsDeliveryQueue(queues(), required(config.DELIVERIES_QUEUE_URL, 'DELIVERIES_QUEUE_URL')),
    limits: manualAttempts(),
    retentionDays: config.EVENT_RETENTION_DAYS,
  });

export const recoveryService = () =>
  new RecoveryService({
    webhooks: webhooks(),
    jobs: sqsRecoveryJobQueue(queues(), required(config.RECOVERIES_QUEUE_URL, 'RECOVERIES_QUEUE_URL')),
    locks: manualAttempts(),
  });
