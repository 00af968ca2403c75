import type { SQSEvent } from 'aws-lambda';
import { loadConfig, required } from '../adapters/config';
import { documentClient } from '../adapters/dynamo-client';
import { DynamoErasureRepository } from '../adapters/erasure-repository';
import { logger } from '../adapters/observability';
import { sqsErasureJobQueue } from '../adapters/platform-queues';
import { sqsClient } from '../adapters/sqs-client';
import { SqsQueues } from '../adapters/sqs-queues';
import { ErasureWorker, parseErasureJob } from '../core/access/tenant-erasure';
import { BatchOutbox, batchResponse } from './batch-outbox';

const config = loadConfig();
const queues = new SqsQueues(sqsClient);
const jobs = sqsErasureJobQueue(queues, required(config.ERASURES_QUEUE_URL, 'ERASURES_QUEUE_URL'));
const erasuresDlqUrl = required(config.ERASURES_DLQ_URL, 'ERASURES_DLQ_URL');
const worker = new ErasureWorker(new DynamoErasureRepository(documentClient, config.TABLE_NAME));

/**
 * Erasures queue → one run of an erasure per message (ErasureWorker): a run that reaches its page budget sends the
 * job on; a run that fails comes back and resumes from what the table still holds; a message that is not a job
 * goes to the erasures DLQ with its reason.
 */
export async function handler(event: SQSEvent) {
  const failed: string[] = [];
  const poison = new BatchOutbox();
  for (const record of event.Records) {
    const job = parseErasureJob(record.body);
    if (!job) {
      const reason = 'invalid_job: not an erasure job this platform queued';
      logger.error('erasure job parked in the erasures DLQ', { messageId: record.messageId, reason });
      poison.add(erasuresDlqUrl, record.messageId, { body: record.body, attributes: { failureReason: reason } });
      continue;
    }
    try {
      const outcome = await worker.run(job);
      if (outcome === 'continue') await jobs.send(job);
      logger.info('erasure run', { erasureId: job.erasureId, outcome });
    } catch (error) {
      logger.error('erasure run failed; it resumes when the job comes back', {
        erasureId: job.erasureId,
        error: error as Error,
      });
      failed.push(record.messageId);
    }
  }
  const parked = await poison.flush(queues);
  return batchResponse([...failed, ...parked.failed, ...parked.refused.keys()]);
}
