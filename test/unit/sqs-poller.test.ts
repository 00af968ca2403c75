import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPoller, type SqsHandler } from '../../local/sqs-poller';

const sqs = mockClient(SQSClient);
const messages = [
  { MessageId: 'm1', ReceiptHandle: 'r1', Body: '{}', Attributes: { ApproximateReceiveCount: '1' } },
  { MessageId: 'm2', ReceiptHandle: 'r2', Body: '{}', Attributes: { ApproximateReceiveCount: '1' } },
];

/** Runs the poller over one batch of two messages and answers which receipt handles it deleted. */
async function deletedAfter(handler: SqsHandler, timeoutSeconds = 5): Promise<string[]> {
  let invoked!: () => void;
  const handled = new Promise<void>((resolve) => (invoked = resolve));
  // an empty long poll takes time, as SQS's does (an instant one would starve the timers)
  sqs
    .on(ReceiveMessageCommand)
    .resolvesOnce({ Messages: messages })
    .callsFake(() => new Promise((resolve) => setTimeout(() => resolve({ Messages: [] }), 20)));
  sqs.on(DeleteMessageBatchCommand).resolves({});
  const errors: unknown[] = [];
  const poller = startPoller({
    client: new SQSClient({ region: 'us-east-1' }),
    queueUrl: 'https://queue/q',
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:q',
    handler: async (event, context) => {
      try {
        return await handler(event, context);
      } finally {
        setTimeout(invoked, timeoutSeconds * 1000 + 50);
      }
    },
    functionName: 'Test',
    timeoutSeconds,
    batchSize: 10,
    concurrency: 1,
    onError: (error) => errors.push(error),
  });
  await handled;
  await poller.stop();
  return sqs
    .commandCalls(DeleteMessageBatchCommand)
    .flatMap((call) => call.args[0].input.Entries!.map((entry) => entry.ReceiptHandle!));
}

describe('Function: startPoller (Lambda SQS event source semantics)', () => {
  beforeEach(() => sqs.reset());
  afterEach(() => sqs.reset());

  it('deletes the records the handler did not report as failed', async () => {
    expect(await deletedAfter(async () => ({ batchItemFailures: [{ itemIdentifier: 'm2' }] }), 0.1)).toEqual(['r1']);
  });

  it('deletes nothing when a failure names a record that is not in the batch (a stale response)', async () => {
    expect(
      await deletedAfter(async () => ({ batchItemFailures: [{ itemIdentifier: 'from-an-earlier-batch' }] }), 0.1),
    ).toEqual([]);
  });

  it('deletes nothing when a failure has an empty or missing itemIdentifier', async () => {
    expect(await deletedAfter(async () => ({ batchItemFailures: [{ itemIdentifier: '' }] }), 0.1)).toEqual([]);
    sqs.reset();
    expect(await deletedAfter(async () => ({ batchItemFailures: [{}] }) as unknown as SQSBatchResponse, 0.1)).toEqual(
      [],
    );
  });

  it('deletes nothing when the handler throws', async () => {
    expect(
      await deletedAfter(async () => {
        throw new Error('crash');
      }, 0.1),
    ).toEqual([]);
  });

  it('deletes nothing when the handler runs past its timeout, whatever it answers later', async () => {
    expect(
      await deletedAfter(async () => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        return { batchItemFailures: [] };
      }, 0.2),
    ).toEqual([]);
  });
});
