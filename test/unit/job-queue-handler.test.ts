import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { OutgoingMessage, SendRefusal, SqsQueues } from '../../lambdas/adapters/sqs-queues';
import { jobQueueHandler } from '../../lambdas/events/job-queue-handler';

/** The queues the handler sends to, answering each send with what the test says. */
function queuesAnswering(refuse: (message: OutgoingMessage) => SendRefusal | undefined = () => undefined) {
  const sent: { queueUrl: string; message: OutgoingMessage }[] = [];
  const queues = {
    async send(queueUrl: string, messages: readonly OutgoingMessage[]) {
      const refusals = new Map<number, SendRefusal>();
      messages.forEach((message, index) => {
        const refusal = refuse(message);
        if (refusal) refusals.set(index, refusal);
        else sent.push({ queueUrl, message });
      });
      return refusals;
    },
  } as unknown as SqsQueues;
  return { sent, queues };
}

const records = (...bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, index) => ({ messageId: `m${index}`, body })) }) as unknown as SQSEvent;

const parse = (body: string) => {
  const job = JSON.parse(body) as { jobId?: unknown };
  return typeof job.jobId === 'string' ? { jobId: job.jobId } : undefined;
};

describe('jobQueueHandler (the recoveries and erasures queues)', () => {
  it('runs each job, brings back alone the one whose run failed, and parks a message that is not a job', async () => {
    const { sent, queues } = queuesAnswering();
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
    expect(sent).toEqual([
      {
        queueUrl: 'https://sqs.example/erasures-dlq',
        message: {
          body: '{"not":"a job"}',
          attributes: { failureReason: 'invalid_job: not a job this platform queued on its erasures queue' },
        },
      },
    ]);
  });

  it('brings back a message that is not a job when its DLQ does not take it now', async () => {
    const { sent, queues } = queuesAnswering(() => ({ permanent: false, reason: 'throttled' }));
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

    expect(sent).toEqual([]);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
  });
});
