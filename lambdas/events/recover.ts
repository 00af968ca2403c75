import type { SQSEvent } from 'aws-lambda';
import { loadConfig, required } from '../adapters/config';
import { documentClient } from '../adapters/dynamo-client';
import { logger } from '../adapters/observability';
import { sqsDeliveryQueue, sqsRecoveryJobQueue } from '../adapters/platform-queues';
import { DynamoRecoveryRepository } from '../adapters/recovery-repository';
import { sqsClient } from '../adapters/sqs-client';
import { SqsQueues } from '../adapters/sqs-queues';
import { DynamoWebhookRepository } from '../adapters/webhook-repository';
import { parseRecoveryJob, RecoveryWorker } from '../core/recovery-worker';
import { batchResponse } from './batch-outbox';

const config = loadConfig();
const queues = new SqsQueues(sqsClient);
const worker = new RecoveryWorker({
  webhooks: new DynamoWebhookRepository(documentClient, config.TABLE_NAME),
  store: new DynamoRecoveryRepository(documentClient, config.TABLE_NAME),
  deliveries: sqsDeliveryQueue(queues, required(config.DELIVERIES_QUEUE_URL, 'DELIVERIES_QUEUE_URL')),
  jobs: sqsRecoveryJobQueue(queues, required(config.RECOVERIES_QUEUE_URL, 'RECOVERIES_QUEUE_URL')),
});

/**
 * Recoveries queue → one page of a recovery per message (RecoveryWorker). A page that fails comes back alone
 * and is run again; a message that is not a job is dropped with a log line, since no retry would mend it.
 */
export async function handler(event: SQSEvent) {
  const failed: string[] = [];
  for (const record of event.Records) {
    const job = parseRecoveryJob(record.body);
    if (!job) {
      logger.error('recovery job dropped: not a job this platform queued', { messageId: record.messageId });
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
  return batchResponse(failed);
}
