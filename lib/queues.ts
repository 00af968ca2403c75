import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import {
  DeduplicationScope,
  FifoThroughputLimit,
  Queue,
  QueueEncryption,
  RedrivePermission,
} from 'aws-cdk-lib/aws-sqs';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { ConsumedQueueSettings, QueueSettings } from '../lambdas/platform-settings';
import type { WebhooksFunction } from './webhooks-function';

/** Lambda's guidance for SQS sources: a message stays invisible for at least six times the consumer's timeout. */
const VISIBILITY_TO_TIMEOUT_RATIO = 6;

export interface QueueWithDlq {
  queue: Queue;
  dlq: Queue;
}

/**
 * A queue of the pipeline and its own DLQ, with the settings of lambdas/platform-settings.ts; CloudFormation names
 * them.
 */
export function queueWithDlq(scope: Construct, id: string, settings: ConsumedQueueSettings, key?: IKey): QueueWithDlq {
  const dlq = new Queue(scope, `${id}Dlq`, {
    ...queueProps(settings.dlq, key),
    ...(settings.fifo ? { fifo: true } : {}),
    // SQS's default, stated so the queue reads as a DLQ by design (Control Tower CT.SQS.PR.1); `byQueue` would
    // name the source queues' ARNs, which name this one: a cycle CloudFormation refuses
    redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL },
  });
  return { queue: queueSharingDlq(scope, id, settings, dlq, key), dlq };
}

/** Another queue whose dead letters go to an existing DLQ (the slow delivery lane shares the deliveries DLQ). */
export function queueSharingDlq(
  scope: Construct,
  id: string,
  settings: ConsumedQueueSettings,
  dlq: Queue,
  key?: IKey,
): Queue {
  return new Queue(scope, `${id}Queue`, {
    ...queueProps(settings, key),
    // high-throughput FIFO: order, throughput and deduplication per message group (one webhook)
    ...(settings.fifo
      ? {
          fifo: true,
          deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
          fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
        }
      : {}),
    deadLetterQueue: { queue: dlq, maxReceiveCount: settings.maxReceiveCount },
  });
}

/** Partial batch failures: one failed record is retried alone, never with the rest of its batch. */
export function consume(
  fn: WebhooksFunction,
  queue: Queue,
  settings: ConsumedQueueSettings,
  timeoutSeconds: number,
): void {
  if (settings.visibilityTimeoutSeconds < VISIBILITY_TO_TIMEOUT_RATIO * timeoutSeconds) {
    throw new Error(
      `${settings.name}: visibility timeout ${settings.visibilityTimeoutSeconds} s is under ` +
        `${VISIBILITY_TO_TIMEOUT_RATIO} × the consumer's timeout (${timeoutSeconds} s)`,
    );
  }
  fn.addEventSource(
    new SqsEventSource(queue, {
      reportBatchItemFailures: true,
      batchSize: settings.batchSize,
      // Lambda takes no batching window for a FIFO source
      ...(settings.fifo ? {} : { maxBatchingWindow: Duration.seconds(settings.maxBatchingWindowSeconds) }),
      maxConcurrency: settings.maxConcurrency,
    }),
  );
}

/**
 * Encrypted at rest (SQS-managed keys by default: no KMS cost or key policy; the stack's customer-managed key when
 * there is one, reusing each data key for the longest SQS allows to keep KMS requests few), TLS-only, timings from
 * the settings.
 */
function queueProps(settings: QueueSettings, key?: IKey) {
  return {
    ...(key
      ? { encryption: QueueEncryption.KMS, encryptionMasterKey: key, dataKeyReuse: Duration.hours(24) }
      : { encryption: QueueEncryption.SQS_MANAGED }),
    enforceSSL: true,
    retentionPeriod: Duration.seconds(settings.retentionSeconds),
    visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds),
  };
}
