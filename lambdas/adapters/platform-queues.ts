import { serializeTask } from '../core/delivery/delivery';
import type {
  DeliveryQueue,
  PlatformEventQueue,
  RecoveryJobQueue,
  VerificationQueue,
} from '../core/delivery/queue-ports';
import type { ErasureJobQueue } from '../core/access/tenant-erasure';
import type { OutgoingMessage, SqsQueues } from './sqs-queues';

/** Sends all or throws, naming why SQS did not take the first message it refused. */
async function sendAll(queues: SqsQueues, queueUrl: string, messages: OutgoingMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const refusals = await queues.send(queueUrl, messages);
  const first = refusals.values().next();
  if (!first.done)
    throw new Error(`SQS did not take ${refusals.size} of ${messages.length} messages: ${first.value.reason}`);
}

// Every message is grouped by its tenant (SQS fair queues), as fan-out and deliver send theirs.

/** Deliveries-queue messages as fan-out sends them, ten to a request. */
export const sqsDeliveryQueue = (queues: SqsQueues, queueUrl: string): DeliveryQueue => ({
  queue: (tasks) =>
    sendAll(
      queues,
      queueUrl,
      tasks.map((task) => ({ body: serializeTask(task), groupId: task.tenantId })),
    ),
});

/**
 * The platform's own events, on the queue only the platform may send to (fan-out accepts their reserved fields from it
 * alone).
 */
export const sqsPlatformEventQueue = (queues: SqsQueues, queueUrl: string): PlatformEventQueue => ({
  publish: (envelope) => sendAll(queues, queueUrl, [{ body: JSON.stringify(envelope), groupId: envelope.tenantId }]),
});

export const sqsRecoveryJobQueue = (queues: SqsQueues, queueUrl: string): RecoveryJobQueue => ({
  send: (job, delaySeconds) =>
    sendAll(queues, queueUrl, [
      { body: JSON.stringify(job), groupId: job.tenantId, ...(delaySeconds ? { delaySeconds } : {}) },
    ]),
});

/** A verification run's first challenge, on the deliveries queue where the deliver function runs it. */
export const sqsVerificationQueue = (queues: SqsQueues, queueUrl: string): VerificationQueue => ({
  start: (task) => sendAll(queues, queueUrl, [{ body: JSON.stringify(task), groupId: task.tenantId }]),
});

/** A tenant erasure's job, on the erasures queue (its own: no delivery waits behind it). */
export const sqsErasureJobQueue = (queues: SqsQueues, queueUrl: string): ErasureJobQueue => ({
  send: (job) => sendAll(queues, queueUrl, [{ body: JSON.stringify(job), groupId: job.erasureId }]),
});
