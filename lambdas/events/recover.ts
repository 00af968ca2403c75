import type { SQSEvent } from 'aws-lambda';
import { loadConfig, required } from '../adapters/config';
import { documentClient } from '../adapters/dynamo-client';
import { logger } from '../adapters/observability';
import { sqsDeliveryQueue, sqsRecoveryJobQueue } from '../adapters/platform-queues';
import { DynamoManualAttemptRepository } from '../adapters/manual-attempt-repository';
import { tenantLimitsReader } from '../adapters/tenant-repository';
import { DynamoRecoveryRepository } from '../adapters/recovery-repository';
import { sqsClient } from '../adapters/sqs-client';
import { SqsQueues } from '../adapters/sqs-queues';
import { DynamoWebhookRepository } from '../adapters/webhook-repository';
import { parseRecoveryJob, RecoveryWorker } from '../core/recovery/recovery-worker';
import { BatchOutbox, batchResponse } from './batch-outbox';

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
});

/**
 * Recoveries queue → one page of a recovery per message (RecoveryWorker). A page that fails comes back alone
 * and is run again; a message that is not a job goes to the recoveries DLQ with its reason, since no retry
 * would mend it.
 */
export async function handler(event: SQSEvent) {
  const failed: string[] = [];
  const poison = new BatchOutbox();
  for (const record of event.Records) {
    const job = parseRecoveryJob(record.body);
    if (!job) {
      const reason = 'invalid_job: not a recovery job this platform queued';
      logger.error('recovery job parked in the recoveries DLQ', { messageId: record.messageId, reason });
      poison.add(recoveriesDlqUrl, record.messageId, { body: record.body, attributes: { failureReason: reason } });
      continue;
    }
    try {
      const report = await worker.runPage(job);
      logger.info('recovery page queued', { recoveryId: job.recoveryId, webhookId: job.webhookId, ...report });
    } catch (error) {
      logger.error('recovery page failed; it will be run again', { recoveryId: job.recoveryId, error: error as Error });
      failed.push(record.messageId);
    }
  }
  const parked = await poison.flush(queues);
  return batchResponse([...failed, ...parked.failed, ...parked.refused.keys()]);
}
