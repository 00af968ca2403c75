import {
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../lambdas/adapters/table-keys';
import { localClientConfig } from '../../local/platform';
import { drainQueue, queueDepth } from '../../local/queue-inspection';
import type { TestPlatform } from './test-platform';

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

export async function waitFor<T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 15_000, what = 'condition' } = {},
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A producer as a team would write one: the AWS SDK's SQS client, nothing of ours. */
export function producer(platform: TestPlatform) {
  const client = new SQSClient(localClientConfig(platform.sqsEndpoint));
  return {
    client,
    publish: (envelope: unknown) =>
      client.send(
        new SendMessageCommand({
          QueueUrl: platform.queues.events.queueUrl,
          MessageBody: typeof envelope === 'string' ? envelope : JSON.stringify(envelope),
        }),
      ),
    publishBatch: (bodies: string[]) =>
      client.send(
        new SendMessageBatchCommand({
          QueueUrl: platform.queues.events.queueUrl,
          Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: body })),
        }),
      ),
    /** Reads (and hides for a minute) every message now in a queue, e.g. a DLQ. */
    drain: (queueUrl: string) => drainQueue(client, queueUrl),
    /** Looks at up to ten messages without hiding them. */
    async peek(queueUrl: string): Promise<Message[]> {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 0,
          MessageAttributeNames: ['All'],
        }),
      );
      return Messages;
    },
    depth: (queueUrl: string) => queueDepth(client, queueUrl),
  };
}

/** The delivery log item of one (webhook, event) pair, found by event id under the webhook. */
export async function deliveryRecord(platform: TestPlatform, webhookId: string, eventId: string) {
  const { Items = [] } = await platform.documentClient.send(
    new QueryCommand({
      TableName: platform.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'eventId = :eventId',
      ExpressionAttributeValues: {
        ':pk': keys.webhook(webhookId),
        ':prefix': keys.deliveryPrefix,
        ':eventId': eventId,
      },
    }),
  );
  return Items[0];
}
