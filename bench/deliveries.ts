import { Readable } from 'node:stream';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeliveryTask } from '../lambdas/core/delivery/delivery';

export const BENCH_TENANT = 'bench';
export const BENCH_SECRET = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
export const BENCH_WEBHOOKS = 50;
export const benchWebhookId = (index: number) => `webhook_01JDBENCH${String(index).padStart(17, '0')}`;

/**
 * N deliveries spread over the webhooks (the bench webhooks unless given), as the deliveries queue would hand them
 * over: batches of 10, their events named `<eventPrefix>_<index>`.
 */
export function deliveryBatches(
  count: number,
  { webhookIds, eventPrefix = 'evt_bench' }: { webhookIds?: readonly string[]; eventPrefix?: string } = {},
): SQSEvent[] {
  const payload = JSON.stringify({
    id: 'evt_bench',
    type: 'verification.completed',
    data: { verificationId: 'ver_1', status: 'completed' },
  });
  const batches: SQSEvent[] = [];
  for (let start = 0; start < count; start += 10) {
    const records: SQSRecord[] = [];
    for (let index = start; index < Math.min(count, start + 10); index += 1) {
      const task: DeliveryTask = {
        tenantId: BENCH_TENANT,
        webhookId: webhookIds ? webhookIds[index % webhookIds.length]! : benchWebhookId(index % BENCH_WEBHOOKS),
        eventId: `${eventPrefix}_${index}`,
        eventType: 'verification.completed',
        receivedAt: '2026-01-01T00:00:00.000Z',
        payload,
      };
      records.push({
        messageId: `m${index}`,
        receiptHandle: `r${index}`,
        body: JSON.stringify(task),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '0',
          SenderId: 'bench',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:webhooks-deliveries',
        awsRegion: 'us-east-1',
      });
    }
    batches.push({ Records: records });
  }
  return batches;
}

/** Runs `work` over the items with at most `concurrency` in flight. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export function webhookItems(url: string) {
  return Array.from({ length: BENCH_WEBHOOKS }, (_, index) => ({
    pk: `TENANT#${BENCH_TENANT}`,
    sk: `WEBHOOK#${benchWebhookId(index)}`,
    tenantId: BENCH_TENANT,
    id: benchWebhookId(index),
    url,
    events: ['verification.completed'],
    secret: BENCH_SECRET,
    active: true,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  }));
}

/** The deliver function's environment, as the stack sets it (local mode allows the loopback receiver). */
export function deliverEnvironment(
  tableName: string,
  queueUrl: string,
  slowQueueUrl: string,
  dlqUrl: string,
  platformEventsQueueUrl: string,
) {
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    DELIVERIES_QUEUE_URL: queueUrl,
    SLOW_DELIVERIES_QUEUE_URL: slowQueueUrl,
    DELIVERIES_DLQ_URL: dlqUrl,
    PLATFORM_EVENTS_QUEUE_URL: platformEventsQueueUrl,
    ALLOW_HTTP_URLS: 'true',
    ALLOW_LOOPBACK_URLS: 'true',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
  });
}

/**
 * The real deliver handler with the AWS SDK answered in-process: only the SDK's HTTP handler is replaced, so
 * commands are built, signed, serialized and parsed as in production. (aws-sdk-client-mock's sinon matching would
 * cost more CPU than the code under test and skew the figures.) The table holds BENCH_WEBHOOKS webhooks at `url`.
 */
export async function stubbedDeliverHandler(url: string) {
  const queueUrl = (name: string) => `https://sqs.us-east-1.amazonaws.com/000000000000/${name}`;
  deliverEnvironment(
    'bench',
    queueUrl('deliveries'),
    queueUrl('deliveries-slow'),
    queueUrl('deliveries-dlq'),
    queueUrl('platform-events'),
  );
  const marshalledItems = webhookItems(url).map((item) => marshall(item));
  const { dynamoClient } = await import('../lambdas/adapters/dynamo-client');
  const { sqsClient } = await import('../lambdas/adapters/sqs-client');
  const answer = (respond: (target: string, body: any) => unknown) => ({
    handle: async (request: { headers: Record<string, string>; body?: string }) => {
      const target = request.headers['x-amz-target'] ?? '';
      // only a read needs its request parsed: parsing every write here would charge the handler with DynamoDB's work
      const payload = JSON.stringify(
        respond(
          target,
          request.body && target.endsWith('BatchGetItem') ? JSON.parse(Buffer.from(request.body).toString('utf8')) : {},
        ),
      );
      return {
        response: {
          statusCode: 200,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: Readable.from([Buffer.from(payload)]),
        },
      };
    },
  });
  dynamoClient.config.requestHandler = answer((target, body) =>
    target.endsWith('BatchGetItem')
      ? {
          Responses: {
            bench: marshalledItems.filter((item) =>
              body.RequestItems.bench.Keys.some((key: { sk: { S: string } }) => key.sk.S === item.sk!.S),
            ),
          },
        }
      : {},
  ) as never;
  sqsClient.config.requestHandler = answer(() => ({ Successful: [], Failed: [] })) as never;
  const { handler } = await import('../lambdas/events/deliver');
  return handler;
}
