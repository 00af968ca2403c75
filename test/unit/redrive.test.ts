import {
  GetQueueAttributesCommand,
  ListDeadLetterSourceQueuesCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { startMoveTask } from '../../local/redrive';

const sqs = mockClient(SQSClient);
const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
const arn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;

beforeEach(() => {
  sqs.reset();
  for (const name of ['deliveries-dlq', 'deliveries', 'deliveries-slow', 'events-dlq', 'events']) {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: url(name) }).resolves({ Attributes: { QueueArn: arn(name) } });
  }
  sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
});

describe('Function: startMoveTask (replay on AWS)', () => {
  it(
    'names the queue it is told as the destination, since SQS knows no source for dead letters the functions ' + 'sent',
    async () => {
      const handle = await startMoveTask(new SQSClient({}), url('deliveries-dlq'), url('deliveries'));
      expect(handle).toBe('task-1');
      expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input).toEqual({
        SourceArn: arn('deliveries-dlq'),
        DestinationArn: arn('deliveries'),
      });
    },
  );

  it("replays into the DLQ's only source queue when none is named", async () => {
    sqs.on(ListDeadLetterSourceQueuesCommand, { QueueUrl: url('events-dlq') }).resolves({ queueUrls: [url('events')] });
    await startMoveTask(new SQSClient({}), url('events-dlq'));
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input).toEqual({
      SourceArn: arn('events-dlq'),
      DestinationArn: arn('events'),
    });
  });

  it('starts nothing and says what to pass when the DLQ serves several queues (both delivery lanes)', async () => {
    sqs.on(ListDeadLetterSourceQueuesCommand).resolves({ queueUrls: [url('deliveries'), url('deliveries-slow')] });
    await expect(startMoveTask(new SQSClient({}), url('deliveries-dlq'))).rejects.toThrow(
      /is the DLQ of 2 queues .*name the queue to replay into with --to/,
    );
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });
});
