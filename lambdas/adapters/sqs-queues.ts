import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import {
  ChangeMessageVisibilityBatchCommand,
  SendMessageBatchCommand,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface OutgoingMessage {
  body: string;
  /** SQS fair queues: messages of one group (tenant) cannot starve the others. */
  groupId?: string;
  attributes?: Record<string, string>;
}

const BATCH_LIMIT = 10;

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += BATCH_LIMIT) result.push(items.slice(start, start + BATCH_LIMIT));
  return result;
}

const stringAttributes = (attributes: Record<string, string>): Record<string, MessageAttributeValue> =>
  Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]));

/** Batched SQS calls, ten messages a request: the cost budget counts requests, not messages. */
export class SqsQueues {
  constructor(private readonly client: SQSClient) {}

  /** Sends every message or throws; a partly failed batch is retried for the failed entries only. */
  async send(queueUrl: string, messages: readonly OutgoingMessage[]): Promise<void> {
    for (const chunk of chunks(messages)) {
      let entries = chunk.map((message, index) => ({
        Id: String(index),
        MessageBody: message.body,
        ...(message.groupId ? { MessageGroupId: message.groupId } : {}),
        ...(message.attributes ? { MessageAttributes: stringAttributes(message.attributes) } : {}),
      }));
      for (let round = 0; entries.length > 0; round += 1) {
        const { Failed } = await this.client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        const failedIds = new Set((Failed ?? []).map((failure) => failure.Id));
        entries = entries.filter((entry) => failedIds.has(entry.Id));
        if (entries.length > 0 && round >= 2) {
          throw new Error(`SQS refused ${entries.length} messages: ${Failed?.map((failure) => failure.Message).join('; ')}`);
        }
      }
    }
  }

  /** Hides received messages until their next attempt is due (the retry backoff). */
  async delay(queueUrl: string, messages: readonly { receiptHandle: string; seconds: number }[]): Promise<void> {
    for (const chunk of chunks(messages)) {
      await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.receiptHandle, VisibilityTimeout: message.seconds })),
        }),
      );
    }
  }
}

/**
 * A processor holds the state of one batch, so each invocation gets its own: a shared one would mix up the
 * failures of batches handled at the same time (the local runtime runs several in one process).
 */
export const newBatchProcessor = () => new BatchProcessor(EventType.SQS);
