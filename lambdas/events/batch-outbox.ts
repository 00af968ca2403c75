import { logger } from '../adapters/observability';
import type { OutgoingMessage, SqsQueues } from '../adapters/sqs-queues';

/** What became of the records whose messages a queue did not take. */
export interface OutboxResult {
  /** Records to retry: a queue refused one of their messages for now (throttling, an outage). */
  failed: Set<string>;
  /** Records one of whose messages SQS will never take, with its reason. */
  refused: Map<string, string>;
  /** The messages themselves that were not taken (the others were). */
  unsent: Set<OutgoingMessage>;
}

/**
 * Messages that a batch's records produce (deliveries to queue, poison or dead letters to park), sent together
 * once every record was handled: ten to an SQS request (as many as fit in one), whichever record they came
 * from, instead of a request per record. A refused message affects only the record it came from.
 */
export class BatchOutbox {
  private readonly byQueue = new Map<string, { fromMessageId: string; message: OutgoingMessage }[]>();

  add(queueUrl: string, fromMessageId: string, message: OutgoingMessage): void {
    const entries = this.byQueue.get(queueUrl) ?? [];
    entries.push({ fromMessageId, message });
    this.byQueue.set(queueUrl, entries);
  }

  async flush(queues: SqsQueues): Promise<OutboxResult> {
    const result: OutboxResult = { failed: new Set(), refused: new Map(), unsent: new Set() };
    for (const [queueUrl, entries] of this.byQueue) {
      const refusals = await queues.send(
        queueUrl,
        entries.map((entry) => entry.message),
      );
      for (const [index, refusal] of refusals) {
        const { fromMessageId, message } = entries[index]!;
        result.unsent.add(message);
        logger.error('a queue did not take a message', {
          queueUrl,
          fromMessageId,
          permanent: refusal.permanent,
          reason: refusal.reason,
        });
        if (refusal.permanent) result.refused.set(fromMessageId, refusal.reason);
        else result.failed.add(fromMessageId);
      }
    }
    return result;
  }
}

/** The batch response Lambda reads: a new object every time, never one a library handed us (docs/design.md §10). */
export const batchResponse = (failedMessageIds: Iterable<string>) => ({
  batchItemFailures: [...new Set(failedMessageIds)].map((itemIdentifier) => ({ itemIdentifier })),
});
