import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/**
 * Moves every message of a DLQ back to its source queue, without the failure reason (a replayed delivery
 * starts a fresh retry schedule). The emulator lacks StartMessageMoveTask, so this does receive → send →
 * delete itself; a message is deleted only after its copy was accepted, so a crash can duplicate, never lose.
 */
export async function moveMessages(client: SQSClient, dlqUrl: string, targetUrl: string): Promise<number> {
  let moved = 0;
  for (;;) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 60, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
    );
    if (Messages.length === 0) return moved;
    const { Failed = [] } = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: targetUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body!,
          ...(message.Attributes?.MessageGroupId ? { MessageGroupId: message.Attributes.MessageGroupId } : {}),
          // the platform's own attributes (an operational event's origin) travel on; the failure reason stays behind
          ...withoutFailureReason(message.MessageAttributes),
        })),
      }),
    );
    const failed = new Set(Failed.map((failure) => failure.Id));
    const sent = Messages.filter((_, index) => !failed.has(String(index)));
    if (sent.length > 0) {
      await client.send(
        new DeleteMessageBatchCommand({ QueueUrl: dlqUrl, Entries: sent.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })) }),
      );
    }
    moved += sent.length;
    if (failed.size > 0) throw new Error(`SQS refused ${failed.size} messages; ${moved} moved so far, the rest stay in the DLQ`);
  }
}

function withoutFailureReason(attributes: Message['MessageAttributes']) {
  const { failureReason: _reason, ...rest } = attributes ?? {};
  return Object.keys(rest).length > 0 ? { MessageAttributes: rest } : {};
}

/** On AWS: SQS's own move task back to the queue the messages came from. Returns the task handle. */
export async function startMoveTask(client: SQSClient, dlqUrl: string): Promise<string> {
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
  const { TaskHandle } = await client.send(new StartMessageMoveTaskCommand({ SourceArn: Attributes!.QueueArn! }));
  return TaskHandle!;
}
