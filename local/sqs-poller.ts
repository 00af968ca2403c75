import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda-context';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface PollerOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  functionName: string;
  timeoutSeconds: number;
  batchSize: number;
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
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        { dataType: value.DataType ?? 'String', stringValue: value.StringValue, stringListValues: [], binaryListValues: [] },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}

/**
 * Lambda's SQS event source mapping on a laptop: long-polls batches, invokes the handler, deletes the
 * records it did not report in batchItemFailures, and deletes nothing when it throws. Visibility
 * timeouts and redrive to the DLQ are the queue's own, as on AWS.
 */
export function startPoller(options: PollerOptions): Poller {
  let running = true;
  const loop = async () => {
    while (running) {
      try {
        const { Messages = [] } = await options.client.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: Math.min(10, options.batchSize),
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        if (Messages.length === 0 || !running) continue;
        const records = Messages.map((message) => toRecord(message, options.queueArn));
        let failed: Set<string>;
        try {
          const response = await options.handler({ Records: records }, lambdaContext(options.functionName, options.timeoutSeconds));
          failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
        } catch (error) {
          options.onError?.(error);
          continue; // nothing deleted: the whole batch comes back when its visibility timeout ends
        }
        const done = records.filter((record) => !failed.has(record.messageId));
        if (done.length > 0) {
          await options.client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
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
