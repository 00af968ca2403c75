import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { queueDepth } from './queue-inspection';

/**
 * Moves the messages of a DLQ back to its source queue, without the failure reason (a replayed delivery
 * starts a fresh retry schedule). The emulator lacks StartMessageMoveTask, so this does receive → send →
 * delete itself; a message is deleted only after its copy was accepted, so a crash can duplicate, never lose.
 * Like SQS's move task, it moves at most the messages the DLQ held when it started: poison that a consumer
 * sends straight back must not keep it moving forever.
 */
export async function moveMessages(client: SQSClient, dlqUrl: string, targetUrl: string): Promise<number> {
  // a message someone is looking at (received, not yet visible again) is still the DLQ's to move
  const toMove = await queueDepth(client, dlqUrl);
  let moved = 0;
  while (moved < toMove) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: Math.min(10, toMove - moved),
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return moved;
    const { Failed = [] } = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: targetUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body!,
          ...(message.Attributes?.MessageGroupId ? { MessageGroupId: message.Attributes.MessageGroupId } : {}),
          // a FIFO queue: a fresh deduplication id, since the original one may still be within its 5 minutes
          ...(message.Attributes?.MessageDeduplicationId
            ? { MessageDeduplicationId: `redrive-${message.MessageId}` }
            : {}),
          // the platform's own attributes (an operational event's origin) travel on; the failure reason stays behind
          ...withoutFailureReason(message.MessageAttributes),
        })),
      }),
    );
    const failed = new Set(Failed.map((failure) => failure.Id));
    const sent = Messages.filter((_, index) => !failed.has(String(index)));
    if (sent.length > 0) {
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: dlqUrl,
          Entries: sent.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
    }
    moved += sent.length;
    if (failed.size > 0)
      throw new Error(`SQS refused ${failed.size} messages; ${moved} moved so far, the rest stay in the DLQ`);
  }
  return moved;
}

function withoutFailureReason(attributes: Message['MessageAttributes']) {
  const { failureReason: _reason, ...rest } = attributes ?? {};
  return Object.keys(rest).length > 0 ? { MessageAttributes: rest } : {};
}

const arnOf = async (client: SQSClient, queueUrl: string) =>
  (await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;

/**
 * On AWS: SQS's own move task, into `targetUrl` or else into the DLQ's only source queue. Always named: SQS's
 * "back to the original source" knows only messages its redrive policy moved, and most of our dead letters are
 * sent by the functions themselves (with their reason); the deliveries DLQ also serves both delivery lanes.
 * Returns the task handle.
 */
export async function startMoveTask(client: SQSClient, dlqUrl: string, targetUrl?: string): Promise<string> {
  let destinationUrl = targetUrl;
  if (!destinationUrl) {
    const { queueUrls = [] } = await client.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }));
    if (queueUrls.length !== 1) {
      throw new Error(
        `${dlqUrl} is the DLQ of ${queueUrls.length} queues (${queueUrls.join(', ')}): name the queue to replay into ` +
          `with --to (for deliveries, the stack's DeliveriesQueueUrl output)`,
      );
    }
    destinationUrl = queueUrls[0]!;
  }
  const { TaskHandle } = await client.send(
    new StartMessageMoveTaskCommand({
      SourceArn: await arnOf(client, dlqUrl),
      DestinationArn: await arnOf(client, destinationUrl),
    }),
  );
  return TaskHandle!;
}
