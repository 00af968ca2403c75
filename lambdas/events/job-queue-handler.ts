import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '../adapters/observability';
import type { SqsQueues } from '../adapters/sqs-queues';
import { BatchOutbox, batchResponse } from './batch-outbox';

export interface JobQueueOptions<Job> {
  /** What a job is, in the logs: `recovery`, `erasure`. */
  kind: string;
  /** The queue's name, in the DLQ's reason: `recoveries`, `erasures`. */
  queueName: string;
  parse(body: string): Job | undefined;
  /** Where a message that is not a job goes, with its reason: no retry would mend it. */
  dlqUrl: string;
  queues: SqsQueues;
  /** One run of the job; what it returns is logged with `logged(job)`. A throw brings the message back alone. */
  run(job: Job): Promise<object>;
  logged(job: Job): Record<string, unknown>;
}

/**
 * The handler of a queue of the platform's own jobs (recoveries, erasures): one run per message; a run that fails
 * comes back alone when its visibility timeout ends and is run again; a message that is not a job goes to the DLQ.
 */
export function jobQueueHandler<Job>(options: JobQueueOptions<Job>): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const failed: string[] = [];
    const poison = new BatchOutbox();
    for (const record of event.Records) {
      const job = options.parse(record.body);
      if (!job) {
        const reason = `invalid_job: not a job this platform queued on its ${options.queueName} queue`;
        logger.error(`message parked in the ${options.queueName} DLQ`, { messageId: record.messageId, reason });
        poison.add(options.dlqUrl, record.messageId, { body: record.body, attributes: { failureReason: reason } });
        continue;
      }
      try {
        logger.info(`${options.kind} run`, { ...options.logged(job), ...(await options.run(job)) });
      } catch (error) {
        logger.error(`${options.kind} run failed; it is run again when its message comes back`, {
          ...options.logged(job),
          error: error as Error,
        });
        failed.push(record.messageId);
      }
    }
    const parked = await poison.flush(options.queues);
    return batchResponse([...failed, ...parked.failed, ...parked.refused.keys()]);
  };
}
