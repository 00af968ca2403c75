import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { runAsFunction } from '../lambdas/adapters/observability';
import { lambdaContext } from './lambda-context';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface PollerOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  functionName: string;
  timeoutSeconds: number;
  /** Records per invocation; above 10 the poller receives several times, as the event source mapping does. */
  batchSize: number;
  /**
   * How long to keep receiving to fill a batch larger than one receive (the mapping's MaximumBatchingWindowInSeconds).
   */
  maxBatchingWindowSeconds?: number;
  /** Concurrent batches in flight, like the event source mapping's maxConcurrency. */
  concurrency: number;
  onError?: (error: unknown) => void;
}

export interface Poller {
  stop(): Promise<void>;
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(attributes.MessageGroupId ? { MessageGroupId: attributes.MessageGroupId } : {}),
      ...(attributes.SequenceNumber ? { SequenceNumber: attributes.SequenceNumber } : {}),
      ...(attributes.MessageDeduplicationId ? { MessageDeduplicationId: attributes.MessageDeduplicationId } : {}),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType ?? 'String',
          stringValue: value.StringValue,
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}

/**
 * What Lambda makes of a handler's answer (docs/design.md §10): the records to delete, or undefined when the whole
 * batch failed. A `batchItemFailures` entry that is empty, not a string, or names a record not in the batch
 * fails the whole batch, as on AWS; so does a throw or a timeout (handled by the caller).
 */
export function recordsToDelete(
  records: readonly SQSRecord[],
  response: SQSBatchResponse | void,
): SQSRecord[] | undefined {
  const inBatch = new Set(records.map((record) => record.messageId));
  const failed = new Set<string>();
  for (const failure of response?.batchItemFailures ?? []) {
    const id: unknown = failure?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !inBatch.has(id)) return undefined;
    failed.add(id);
  }
  return records.filter((record) => !failed.has(record.messageId));
}

class HandlerTimeout extends Error {}

function withTimeout<T>(work: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HandlerTimeout(`the handler ran past its ${seconds} s timeout`)),
      seconds * 1000,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Lambda's SQS event source mapping on a laptop, no kinder than AWS: long-polls batches (several receives
 * up to the batching window when the batch size is over 10), invokes the handler, and deletes the records it
 * did not report in batchItemFailures. A throw, a timeout or an invalid failure list deletes nothing: the
 * whole batch comes back when its visibility timeout ends. Visibility timeouts and redrive to the DLQ are
 * the queue's own, as on AWS.
 */
export function startPoller(options: PollerOptions): Poller {
  let running = true;
  const receive = async (): Promise<Message[]> => {
    const messages: Message[] = [];
    const windowEnds = Date.now() + (options.maxBatchingWindowSeconds ?? 0) * 1000;
    do {
      const { Messages = [] } = await options.client.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: Math.min(10, options.batchSize - messages.length),
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      messages.push(...Messages);
    } while (running && messages.length < options.batchSize && Date.now() < windowEnds);
    return messages;
  };
  const loop = async () => {
    while (running) {
      try {
        const messages = await receive();
        if (messages.length === 0 || !running) continue;
        const records = messages.map((message) => toRecord(message, options.queueArn));
        let done: SQSRecord[] | undefined;
        try {
          const context = lambdaContext(options.functionName, options.timeoutSeconds);
          const response = await withTimeout(
            runAsFunction(context, () => options.handler({ Records: records }, context)),
            options.timeoutSeconds,
          );
          done = recordsToDelete(records, response);
          if (!done)
            options.onError?.(
              new Error(
                `${options.functionName}: batchItemFailures named a record not in the batch; the whole batch fails`,
              ),
            );
        } catch (error) {
          options.onError?.(error);
        }
        if (!done) continue; // nothing deleted: the whole batch comes back when its visibility timeout ends
        for (let start = 0; start < done.length; start += 10) {
          const chunk = done.slice(start, start + 10);
          await options.client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
            }),
          );
        }
      } catch (error) {
        if (running) {
          options.onError?.(error);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    }
  };
  const loops = Array.from({ length: options.concurrency }, loop);
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}
