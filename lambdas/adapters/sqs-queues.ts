import {
  ChangeMessageVisibilityBatchCommand,
  SendMessageBatchCommand,
  type MessageAttributeValue,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { MAX_QUEUE_MESSAGE_BYTES } from '../core/delivery/delivery';

export interface OutgoingMessage {
  body: string;
  /** SQS fair queues: messages of one group (tenant) cannot starve the others. */
  groupId?: string;
  attributes?: Record<string, string>;
  /** Per-message delay (at most 900 s): how retries wait outside the in-flight state. */
  delaySeconds?: number;
  /** FIFO queues: what SQS drops a second copy of (within 5 minutes). */
  deduplicationId?: string;
}

/** Why SQS did not take a message. `permanent` means it never will (too large, characters SQS refuses). */
export interface SendRefusal {
  permanent: boolean;
  reason: string;
}

/**
 * The message attribute the platform once used to mark its own events. Their origin is now the queue they come
 * from; a producer's message still claiming it is poison.
 */
export const CLAIMED_PLATFORM_ORIGIN = { attribute: 'origin', value: 'platform' } as const;

/**
 * The message attribute that carries a forwarded ordered delivery's position in the ordered queue (its SQS sequence
 * number there) to the slow ordered lane. Only the ordered lane sends to that queue.
 */
export const ORDERED_POSITION_ATTRIBUTE = 'orderedPosition';

/** SQS's limits: ten entries per batch request, 1 MiB per message and per whole batch request. */
export const SQS_LIMITS = { entriesPerBatch: 10, maxBytes: MAX_QUEUE_MESSAGE_BYTES } as const;

const stringAttributes = (attributes: Record<string, string>): Record<string, MessageAttributeValue> =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );

/** The size SQS counts for a message: its body plus each attribute's name, type and value. */
export function messageBytes(message: OutgoingMessage): number {
  let bytes = Buffer.byteLength(message.body);
  for (const [name, value] of Object.entries(message.attributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength('String') + Buffer.byteLength(value);
  }
  return bytes;
}

/** Groups messages into batch requests that respect both the entry count and the request size. */
function batches(indexes: number[], sizes: number[]): number[][] {
  const result: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const index of indexes) {
    if (
      current.length === SQS_LIMITS.entriesPerBatch ||
      (current.length > 0 && bytes + sizes[index]! > SQS_LIMITS.maxBytes)
    ) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += sizes[index]!;
  }
  if (current.length > 0) result.push(current);
  return result;
}

const RETRY_ROUNDS = 3;

/** Batched SQS calls, ten messages a request when they fit: the cost budget counts requests, not messages. */
export class SqsQueues {
  constructor(private readonly client: SQSClient) {}

  /**
   * Sends what it can and says, per message (by index), why the others were not taken. Never throws: a
   * request that fails as a whole refuses its messages (not permanently), entries SQS refuses as the
   * sender's fault are refused permanently, and entries it failed on its side are sent again, twice.
   */
  async send(queueUrl: string, messages: readonly OutgoingMessage[]): Promise<Map<number, SendRefusal>> {
    const refusals = new Map<number, SendRefusal>();
    const sizes = messages.map(messageBytes);
    const sendable: number[] = [];
    for (const [index, size] of sizes.entries()) {
      if (size > SQS_LIMITS.maxBytes)
        refusals.set(index, {
          permanent: true,
          reason: `the message is ${size} bytes; SQS takes at most ${SQS_LIMITS.maxBytes}`,
        });
      else sendable.push(index);
    }
    for (const batch of batches(sendable, sizes)) {
      let pending = batch;
      for (let round = 1; pending.length > 0; round += 1) {
        const entries: SendMessageBatchRequestEntry[] = pending.map((index) => toEntry(index, messages[index]!));
        let failed: { Id?: string; SenderFault?: boolean; Code?: string; Message?: string }[];
        try {
          failed =
            (await this.client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }))).Failed ??
            [];
        } catch (error) {
          for (const index of pending) refusals.set(index, { permanent: false, reason: (error as Error).message });
          break;
        }
        const retry: number[] = [];
        for (const failure of failed) {
          const index = Number(failure.Id);
          const reason = `${failure.Code ?? 'error'}: ${failure.Message ?? 'no message'}`;
          if (failure.SenderFault) refusals.set(index, { permanent: true, reason });
          else if (round >= RETRY_ROUNDS) refusals.set(index, { permanent: false, reason });
          else retry.push(index);
        }
        pending = retry;
      }
    }
    return refusals;
  }

  /**
   * Sets how long received messages stay hidden (the ordered lane's waits, which must stay in flight to hold their
   * group back). Never throws: answers the receipt handles SQS did not take, a whole failed request included.
   */
  async changeVisibility(
    queueUrl: string,
    entries: readonly { receiptHandle: string; seconds: number }[],
  ): Promise<string[]> {
    const refused: string[] = [];
    for (let start = 0; start < entries.length; start += SQS_LIMITS.entriesPerBatch) {
      const chunk = entries.slice(start, start + SQS_LIMITS.entriesPerBatch);
      try {
        const { Failed = [] } = await this.client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((entry, index) => ({
              Id: String(index),
              ReceiptHandle: entry.receiptHandle,
              VisibilityTimeout: entry.seconds,
            })),
          }),
        );
        for (const failure of Failed) refused.push(chunk[Number(failure.Id)]!.receiptHandle);
      } catch {
        refused.push(...chunk.map((entry) => entry.receiptHandle));
      }
    }
    return refused;
  }
}

function toEntry(index: number, message: OutgoingMessage): SendMessageBatchRequestEntry {
  return {
    Id: String(index),
    MessageBody: message.body,
    ...(message.groupId ? { MessageGroupId: message.groupId } : {}),
    ...(message.attributes ? { MessageAttributes: stringAttributes(message.attributes) } : {}),
    ...(message.delaySeconds ? { DelaySeconds: message.delaySeconds } : {}),
    ...(message.deduplicationId ? { MessageDeduplicationId: message.deduplicationId } : {}),
  };
}
