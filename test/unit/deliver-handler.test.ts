import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChangeMessageVisibilityBatchCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: String(Date.now()) },
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
      EVENTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/events',
      DELIVERIES_DLQ_URL: DLQ,
      ALLOW_HTTP_URLS: 'true',
      ALLOW_LOOPBACK_URLS: 'true',
      WEBHOOK_CACHE_SECONDS: '0',
      AWS_REGION: 'us-east-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    dynamo.on(BatchGetCommand).resolves({
      Responses: { webhooks: [{ pk: 'TENANT#acme', sk: `WEBHOOK#${gone.id}`, ...gone, url: `${baseUrl}/gone` }, { pk: 'TENANT#acme', sk: `WEBHOOK#${ok.id}`, ...ok, url: `${baseUrl}/ok` }, { pk: 'TENANT#acme', sk: `WEBHOOK#${failing.id}`, ...failing, url: `${baseUrl}/fail` }] },
    });
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...failing, consecutiveFailures: 1 } });
    dynamo.on(BatchWriteCommand).resolves({});
  });
  afterAll(() => {
    receiver.close();
    sqs.restore();
    dynamo.restore();
  });

  it('answers a fully successful batch with no failures, even after an earlier batch had one (no shared response)', async () => {
    // Prepare: the dead letter of batch 1 cannot be sent
    const { handler } = await import('../../lambdas/events/deliver');
    sqs.on(SendMessageBatchCommand, { QueueUrl: DLQ }).rejects(new Error('SQS is unavailable'));

    // Act
    const first = await handler(batch([{ messageId: 'batch1-gone', webhookId: gone.id }]));
    const second = await handler(batch([{ messageId: 'batch2-a', webhookId: ok.id }, { messageId: 'batch2-b', webhookId: ok.id }]));

    // Assess
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'batch1-gone' }]);
    expect(second.batchItemFailures).toEqual([]);
  });

  it('re-sends with a delay, instead of leaving it to the default visibility timeout, a retry whose visibility SQS refused to change', async () => {
    // Prepare: the first retry (5 s) would stretch the visibility, and SQS refuses (an expired receipt handle)
    const { handler } = await import('../../lambdas/events/deliver');
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Failed: [{ Id: '0', SenderFault: true, Code: 'ReceiptHandleIsInvalid' }] });
    sqs.on(SendMessageBatchCommand, { QueueUrl: process.env.DELIVERIES_QUEUE_URL }).resolves({ Successful: [], Failed: [] });

    // Act
    const response = await handler(batch([{ messageId: 'stretch-refused', webhookId: failing.id }]));

    // Assess: the message is re-sent as attempt 2 with its delay, and the original acknowledged
    const resent = sqs.commandCalls(SendMessageBatchCommand, { QueueUrl: process.env.DELIVERIES_QUEUE_URL });
    expect(resent).toHaveLength(1);
    const [entry] = resent[0]!.args[0].input.Entries!;
    expect(entry!.DelaySeconds).toBeGreaterThanOrEqual(4);
    expect(JSON.parse(entry!.MessageBody!)).toMatchObject({ eventId: 'evt_stretch-refused', attempt: 2 });
    expect(response.batchItemFailures).toEqual([]);
  });
});
