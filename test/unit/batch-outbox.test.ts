import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsQueues } from '../../lambdas/adapters/sqs-queues';
import { BatchOutbox } from '../../lambdas/events/batch-outbox';

const sqs = mockClient(SQSClient);
const queues = new SqsQueues(new SQSClient({ region: 'us-east-1' }));

describe('Class: BatchOutbox', () => {
  beforeEach(() => sqs.reset());

  it("sends a batch's messages ten to a request, per queue, whichever record they came from", async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const outbox = new BatchOutbox();
    for (let record = 0; record < 4; record += 1) {
      for (let message = 0; message < 3; message += 1) outbox.add('https://queue/deliveries', `m${record}`, { body: `${record}.${message}` });
    }
    outbox.add('https://queue/dlq', 'm9', { body: 'poison', attributes: { failureReason: 'invalid_json' } });
    const response = { batchItemFailures: [] };

    // Act
    await outbox.flush(queues, response);

    // Assess
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => [input.QueueUrl, input.Entries!.length])).toEqual([
      ['https://queue/deliveries', 10],
      ['https://queue/deliveries', 2],
      ['https://queue/dlq', 1],
    ]);
    expect(response.batchItemFailures).toEqual([]);
  });

  it('reports every record whose messages a queue refused, once, next to the failures already there', async () => {
    sqs.on(SendMessageBatchCommand, { QueueUrl: 'https://queue/deliveries' }).rejects(new Error('throttled'));
    sqs.on(SendMessageBatchCommand, { QueueUrl: 'https://queue/dlq' }).resolves({ Successful: [], Failed: [] });
    const outbox = new BatchOutbox();
    outbox.add('https://queue/deliveries', 'm1', { body: 'a' });
    outbox.add('https://queue/deliveries', 'm1', { body: 'b' });
    outbox.add('https://queue/deliveries', 'm2', { body: 'c' });
    outbox.add('https://queue/dlq', 'm3', { body: 'd' });
    const response = { batchItemFailures: [{ itemIdentifier: 'm2' }] };

    await outbox.flush(queues, response);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }, { itemIdentifier: 'm1' }]);
  });
});
