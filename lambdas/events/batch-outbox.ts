import type { SQSBatchResponse } from 'aws-lambda';
import { logger } from '../adapters/observability';
import type { OutgoingMessage, SqsQueues } from '../adapters/sqs-queues';

/**
 * Messages that a batch's records produce (deliveries to queue, poison or dead letters to park), sent together
 * once every record was handled: ten to an SQS request, whichever record they came from, instead of a request
 * per record. If a queue refuses them, the records they came from are reported as failed, so SQS brings those
 * back; handling them again is safe (a receiver may see a duplicate, with the same webhook-id).
 */
export class BatchOutbox {
  private readonly byQueue = new Map<string, { fromMessageId: string; message: OutgoingMessage }[]>();

  add(queueUrl: string, fromMessageId: string, message: OutgoingMessage): void {
    const entries = this.byQueue.get(queueUrl) ?? [];
    entries.push({ fromMessageId, message });
    this.byQueue.set(queueUrl, entries);
  }

  async flush(queues: SqsQueues, response: SQSBatchResponse): Promise<void> {
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    for (const [queueUrl, entries] of this.byQueue) {
      try {
        await queues.send(queueUrl, entries.map((entry) => entry.message));
      } catch (error) {
        logger.error('could not send the messages of a batch; their records will be retried', { queueUrl, error: error as Error });
        for (const { fromMessageId } of entries) {
          if (failed.has(fromMessageId)) continue;
          failed.add(fromMessageId);
          response.batchItemFailures.push({ itemIdentifier: fromMessageId });
        }
      }
    }
  }
}
