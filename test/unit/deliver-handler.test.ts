import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aTask, aWebhook } from '../helpers/factories';

const sqs = mockClient(SQSClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const DLQ = 'https://sqs.us-east-1.amazonaws.com/000000000000/deliveries-dlq';
let receiver: Server;
let baseUrl: string;

const gone = aWebhook({ id: 'webhook_01JD00000000000000000000GN' });
const ok = aWebhook({ id: 'webhook_01JD00000000000000000000OK' });
const failing = aWebhook({ id: 'webhook_01JD00000000000000000000FA' });

function batch(tasks: { messageId: string; webhookId: string }[]): SQSEvent {
  return {
    Records: tasks.map(({ messageId, webhookId }) => ({
      messageId,
      receiptHandle: `r-${messageId}`,
      body: JSON.stringify(aTask({ webhookId, eventId: `evt_${messageId}` })),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'x',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:deliveries',
      awsRegion: 'us-east-1',
    })),
  };
}

describe('Deliver handler in one warm container (Lambda reuses the module between batches)', () => {
  beforeAll(async () => {
    receiver = createServer((request, response) => {
      response.statusCode = request.url === '/gone' ? 410 : request.url === '/fail' ? 500 : 200;
      response.end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    Object.assign(process.env, {
      TABLE_NAME: 'webhooks',
      DELIVERIES_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/deliveries',
      SLOW_DELIVERIES_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/deliveries-slow',
      PLATFORM_EVENTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/platform-events',
      DELIVERIES_DLQ_URL: DLQ,
      ALLOW_HTTP_URLS: 'true',
      ALLOW_LOOPBACK_URLS: 'true',
      AWS_REGION: 'us-east-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    dynamo.on(BatchGetCommand).resolves({
      Responses: {
        webhooks: [
          { pk: 'TENANT#acme', sk: `WEBHOOK#${gone.id}`, ...gone, url: `${baseUrl}/gone` },
          { pk: 'TENANT#acme', sk: `WEBHOOK#${ok.id}`, ...ok, url: `${baseUrl}/ok` },
          { pk: 'TENANT#acme', sk: `WEBHOOK#${failing.id}`, ...failing, url: `${baseUrl}/fail` },
        ],
      },
    });
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...failing, consecutiveFailures: 1 } });
    dynamo.on(BatchWriteCommand).resolves({});
  });
  afterAll(() => {
    receiver.close();
    sqs.restore();
    dynamo.restore();
  });

  it(
    'answers a fully successful batch with no failures, even after an earlier batch had one (no shared ' + 'response)',
    async () => {
      // Prepare: the dead letter of batch 1 cannot be sent
      const { handler } = await import('../../lambdas/events/deliver');
      sqs.on(SendMessageBatchCommand, { QueueUrl: DLQ }).rejects(new Error('SQS is unavailable'));

      // Act
      const first = await handler(batch([{ messageId: 'batch1-gone', webhookId: gone.id }]));
      const second = await handler(
        batch([
          { messageId: 'batch2-a', webhookId: ok.id },
          { messageId: 'batch2-b', webhookId: ok.id },
        ]),
      );

      // Assess
      expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'batch1-gone' }]);
      expect(second.batchItemFailures).toEqual([]);
    },
  );

  it(
    'counts the attempt from the body, never from ApproximateReceiveCount (a receive that made no attempt uses none ' +
      'up)',
    async () => {
      // Prepare: SQS says the message was received 5 times (throttled invocations, a crash before any attempt)
      const { handler } = await import('../../lambdas/events/deliver');
      sqs
        .on(SendMessageBatchCommand, { QueueUrl: process.env.DELIVERIES_QUEUE_URL })
        .resolves({ Successful: [], Failed: [] });
      const event = batch([{ messageId: 'received-5-times', webhookId: failing.id }]);
      event.Records[0]!.attributes.ApproximateReceiveCount = '5';

      // Act
      const response = await handler(event);

      // Assess: attempt 1 failed, so attempt 2 waits its first delay (5 s ± 20 %) as a new message
      const resent = sqs.commandCalls(SendMessageBatchCommand, { QueueUrl: process.env.DELIVERIES_QUEUE_URL }).at(-1)!;
      const [entry] = resent.args[0].input.Entries!;
      expect(entry!.DelaySeconds).toBeGreaterThanOrEqual(4);
      expect(entry!.DelaySeconds).toBeLessThanOrEqual(6);
      expect(JSON.parse(entry!.MessageBody!)).toMatchObject({ eventId: 'evt_received-5-times', attempt: 2 });
      expect(response.batchItemFailures).toEqual([]);
    },
  );

  it(
    "reads the batch's webhooks with a strongly consistent read, so an attempt uses what the API last " + 'answered',
    async () => {
      const { handler } = await import('../../lambdas/events/deliver');
      dynamo.resetHistory();
      await handler(batch([{ messageId: 'consistent', webhookId: ok.id }]));
      const reads = dynamo.commandCalls(BatchGetCommand);
      expect(reads).toHaveLength(1);
      expect(reads[0]!.args[0].input.RequestItems!.webhooks!.ConsistentRead).toBe(true);
    },
  );

  it(
    'keeps a delivery record that cannot be written from its batch-mates: only its message comes back, and theirs ' +
      'are done',
    async () => {
      // Prepare: the batch put fails as a whole; written one by one, one record is throttled and one refused for good
      const { handler } = await import('../../lambdas/events/deliver');
      dynamo
        .on(BatchWriteCommand)
        .rejects(Object.assign(new Error('one item is too large'), { name: 'ValidationException' }));
      dynamo.on(PutCommand).callsFake(async (input: { Item: { eventId: string } }) => {
        if (input.Item.eventId === 'evt_throttled')
          throw Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
        if (input.Item.eventId === 'evt_too-large')
          throw Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
            name: 'ValidationException',
          });
        return {};
      });

      // Act
      const response = await handler(
        batch([
          { messageId: 'throttled', webhookId: ok.id },
          { messageId: 'too-large', webhookId: ok.id },
          { messageId: 'fine', webhookId: ok.id },
        ]),
      );

      // Assess
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'throttled' }]);
      dynamo.on(BatchWriteCommand).resolves({});
    },
  );
});
