import { loadConfig, required } from '../adapters/config';
import { documentClient } from '../adapters/dynamo-client';
import { DynamoErasureRepository } from '../adapters/erasure-repository';
import { sqsErasureJobQueue } from '../adapters/platform-queues';
import { sqsClient } from '../adapters/sqs-client';
import { SqsQueues } from '../adapters/sqs-queues';
import { ErasureWorker, parseErasureJob } from '../core/access/tenant-erasure';
import { jobQueueHandler } from './job-queue-handler';

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
export const handler = jobQueueHandler({
  kind: 'erasure',
  queueName: 'erasures',
  parse: parseErasureJob,
  dlqUrl: erasuresDlqUrl,
  queues,
  run: async (job) => {
    const outcome = await worker.run(job);
    if (outcome === 'continue') await jobs.send(job);
    return { outcome };
  },
  logged: (job) => ({ erasureId: job.erasureId }),
});
