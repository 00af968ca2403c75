import { loadConfig, required } from '../adapters/config';
import { documentClient } from '../adapters/dynamo-client';
import { sqsDeliveryQueue, sqsRecoveryJobQueue } from '../adapters/platform-queues';
import { DynamoManualAttemptRepository } from '../adapters/manual-attempt-repository';
import { tenantLimitsReader, tenantRetentionReader } from '../adapters/tenant-repository';
import { DynamoRecoveryRepository } from '../adapters/recovery-repository';
import { sqsClient } from '../adapters/sqs-client';
import { SqsQueues } from '../adapters/sqs-queues';
import { DynamoWebhookRepository } from '../adapters/webhook-repository';
import { parseRecoveryJob, RecoveryWorker } from '../core/recovery/recovery-worker';
import { jobQueueHandler } from './job-queue-handler';

const config = loadConfig();
const tenantLimits = tenantLimitsReader(documentClient, config.TABLE_NAME, {
  maxWebhooks: config.MAX_WEBHOOKS_PER_TENANT,
});
const queues = new SqsQueues(sqsClient);
const manualAttempts = new DynamoManualAttemptRepository(documentClient, config.TABLE_NAME, async (tenantId) => {
  return (await tenantLimits(tenantId)).manualAttemptsPerHour;
});
const recoveriesDlqUrl = required(config.RECOVERIES_DLQ_URL, 'RECOVERIES_DLQ_URL');
const worker = new RecoveryWorker({
  webhooks: new DynamoWebhookRepository(documentClient, config.TABLE_NAME),
  store: new DynamoRecoveryRepository(documentClient, config.TABLE_NAME),
  deliveries: sqsDeliveryQueue(queues, required(config.DELIVERIES_QUEUE_URL, 'DELIVERIES_QUEUE_URL')),
  jobs: sqsRecoveryJobQueue(queues, required(config.RECOVERIES_QUEUE_URL, 'RECOVERIES_QUEUE_URL')),
  locks: manualAttempts,
  limits: manualAttempts,
  tenantRetentionDays: tenantRetentionReader(documentClient, config.TABLE_NAME),
});

/**
 * Recoveries queue → one page of a recovery per message (RecoveryWorker). A page that fails comes back alone
 * and is run again; a message that is not a job goes to the recoveries DLQ with its reason, since no retry
 * would mend it.
 */
export const handler = jobQueueHandler({
  kind: 'recovery page',
  queueName: 'recoveries',
  parse: parseRecoveryJob,
  dlqUrl: recoveriesDlqUrl,
  queues,
  run: (job) => worker.runPage(job),
  logged: (job) => ({ recoveryId: job.recoveryId, webhookId: job.webhookId }),
});
