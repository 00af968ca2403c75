import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsQueues } from '../../lambdas/adapters/sqs-queues';
import { BatchOutbox, batchResponse } from '../../lambdas/events/batch-outbox';

const sqs = mockClient(SQSClient);
const queues = new SqsQueues(new SQSClient({ region: 'us-east-1' }));

describe('Class: BatchOutbox', () => {
  beforeEach(() => sqs.reset());

  it("sends a batch's messages ten to a request, per queue, whichever record they came from", async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const outbox = new BatchOutbox();
    for (let record = 0; record < 4; record += 1) {
      for (let message = 0; message < 3; message += 1)
        outbox.add('https://queue/deliveries', `m${record}`, { body: `${record}.${message}` });
    }
    outbox.add('https://queue/dlq', 'm9', { body: 'poison', attributes: { failureReason: 'invalid_json' } });

    // Act
    const result = await outbox.flush(queues);

    // Assess
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => [input.QueueUrl, input.Entries!.length])).toEqual([
      ['https://queue/deliveries', 10],
      ['https://queue/deliveries', 2],
      ['https://queue/dlq', 1],
    ]);
    expect(result).toEqual({ failed: new Set(), refused: new Map(), unsent: new Set() });
  });

  it('splits requests by size: ten 105 KB messages (over 1 MiB together) go in two requests', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const outbox = new BatchOutbox();
    for (let index = 0; index < 10; index += 1)
      outbox.add('https://queue/deliveries', 'm1', { body: 'x'.repeat(105 * 1024) });

    const result = await outbox.flush(queues);

    const sizes = sqs
      .commandCalls(SendMessageBatchCommand)
      .map((call) => call.args[0].input.Entries!.reduce((sum, entry) => sum + entry.MessageBody!.length, 0));
    expect(sizes.length).toBe(2);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(1_048_576);
    expect(result.failed.size + result.refused.size).toBe(0);
  });

  it(
    'fails only the records whose messages a queue did not take, and refuses for good what SQS calls the sender ' +
      'fault',
    async () => {
      sqs.on(SendMessageBatchCommand, { QueueUrl: 'https://queue/deliveries' }).resolves({
        Successful: [],
        Failed: [{ Id: '1', SenderFault: true, Code: 'InvalidMessageContents', Message: 'bad char' }],
      });
      sqs.on(SendMessageBatchCommand, { QueueUrl: 'https://queue/dlq' }).rejects(new Error('throttled'));
      const outbox = new BatchOutbox();
      outbox.add('https://queue/deliveries', 'm1', { body: 'a' });
      outbox.add('https://queue/deliveries', 'm2', { body: 'b' });
      outbox.add('https://queue/dlq', 'm3', { body: 'd' });

      const result = await outbox.flush(queues);

      expect(result.failed).toEqual(new Set(['m3']));
      expect([...result.refused.keys()]).toEqual(['m2']);
      expect(result.refused.get('m2')).toContain('InvalidMessageContents');
    },
  );

  it('refuses a message over 1 MiB without sending it', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const outbox = new BatchOutbox();
    outbox.add('https://queue/deliveries', 'm1', { body: 'x'.repeat(1_048_577) });
    outbox.add('https://queue/deliveries', 'm2', { body: 'fine' });

    const result = await outbox.flush(queues);

    expect([...result.refused.keys()]).toEqual(['m1']);
    expect(
      sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries!.map((entry) => entry.MessageBody),
    ).toEqual(['fine']);
  });
});

describe('Function: batchResponse', () => {
  it('builds a new response each time, one entry per failed record', () => {
    const first = batchResponse(['m1', 'm1', 'm2']);
    const second = batchResponse([]);
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }] });
    expect(second).toEqual({ batchItemFailures: [] });
    expect(second).not.toBe(batchResponse([]));
  });
});
