import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsQueues } from '../../lambdas/adapters/sqs-queues';
import { jobQueueHandler } from '../../lambdas/events/job-queue-handler';

const sqs = mockClient(SQSClient);
const queues = new SqsQueues(new SQSClient({ region: 'us-east-1' }));

const records = (...bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, index) => ({ messageId: `m${index}`, body })) }) as unknown as SQSEvent;

const parse = (body: string) => {
  const job = JSON.parse(body) as { jobId?: unknown };
  return typeof job.jobId === 'string' ? { jobId: job.jobId } : undefined;
};

describe('jobQueueHandler (the recoveries and erasures queues)', () => {
  beforeEach(() => sqs.reset());

  it('runs each job, brings back alone the one whose run failed, and parks a message that is not a job', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const ran: string[] = [];
    const handler = jobQueueHandler({
      kind: 'erasure',
      queueName: 'erasures',
      parse,
      dlqUrl: 'https://sqs.example/erasures-dlq',
      queues,
      run: async ({ jobId }) => {
        ran.push(jobId);
        if (jobId === 'broken') throw new Error('DynamoDB throttled');
        return { outcome: 'done' };
      },
      logged: ({ jobId }) => ({ jobId }),
    });

    const answer = await handler(records('{"jobId":"a"}', '{"jobId":"broken"}', '{"not":"a job"}'));

    expect(ran).toEqual(['a', 'broken']);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    const sent = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.QueueUrl).toBe('https://sqs.example/erasures-dlq');
    expect(sent[0]!.Entries!.map((entry) => [entry.MessageBody, entry.MessageAttributes])).toEqual([
      [
        '{"not":"a job"}',
        {
          failureReason: {
            DataType: 'String',
            StringValue: 'invalid_job: not a job this platform queued on its erasures queue',
          },
        },
      ],
    ]);
  });

  it('brings back a message that is not a job when its DLQ does not take it now', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Failed: [{ Id: '0', SenderFault: false, Code: 'ThrottlingException', Message: 'slow down' }],
    });
    const handler = jobQueueHandler({
      kind: 'recovery page',
      queueName: 'recoveries',
      parse,
      dlqUrl: 'https://sqs.example/recoveries-dlq',
      queues,
      run: async () => ({}),
      logged: ({ jobId }) => ({ jobId }),
    });

    const answer = await handler(records('{}'));

    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
  });
});
