import { Readable } from 'node:stream';
import { marshall } from '@aws-sdk/util-dynamodb';
import { deliverEnvironment, deliveryBatches, inParallel, webhookItems } from '../deliveries';
import { startReceiverProcess } from '../receiver-client';
import { report, repeat, settings, summarize } from '../stats';

// Scenario 2: the real deliver handler, the AWS SDK answered in-process, the same receiver and concurrency.
const receiver = await startReceiverProcess();
const queueUrl = (name: string) => `https://sqs.us-east-1.amazonaws.com/000000000000/${name}`;
deliverEnvironment('bench', queueUrl('deliveries'), queueUrl('deliveries-slow'), queueUrl('deliveries-dlq'), queueUrl('platform-events'));
const items = webhookItems(receiver.url);
const { dynamoClient } = await import('../../lambdas/adapters/dynamo-client');
const { sqsClient } = await import('../../lambdas/adapters/sqs-client');
const marshalledItems = items.map((item) => marshall(item));
// The stub replaces only the SDK's HTTP handler: commands are built, signed, serialized and parsed as in
// production, and answered in-process. (aws-sdk-client-mock's sinon matching would cost more CPU than the
// code under test and skew the ratio.)
const answer = (respond: (target: string, body: any) => unknown) => ({
  handle: async (request: { headers: Record<string, string>; body?: string }) => {
    const target = request.headers['x-amz-target'] ?? '';
    // only a read needs its request parsed: parsing every write here would charge the handler with DynamoDB's work
    const payload = JSON.stringify(respond(target, request.body && target.endsWith('BatchGetItem') ? JSON.parse(Buffer.from(request.body).toString('utf8')) : {}));
    return {
      response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([Buffer.from(payload)]) },
    };
  },
});
dynamoClient.config.requestHandler = answer((target, body) =>
  target.endsWith('BatchGetItem')
    ? { Responses: { bench: marshalledItems.filter((item) => body.RequestItems.bench.Keys.some((key: { sk: { S: string } }) => key.sk.S === item.sk!.S)) } }
    : {},
) as never;
sqsClient.config.requestHandler = answer(() => ({ Successful: [], Failed: [] })) as never;
const { handler } = await import('../../lambdas/events/deliver');

const rates = await repeat(settings.rounds, async (round) => {
  const batches = deliveryBatches(round < 0 ? settings.deliveries / 10 : settings.deliveries);
  const started = performance.now();
  await inParallel(batches, settings.concurrency / 10, async (batch) => {
    const response = await handler(batch);
    if (response.batchItemFailures.length) throw new Error(`${response.batchItemFailures.length} deliveries failed`);
  });
  return (batches.length * 10) / ((performance.now() - started) / 1000);
});

receiver.stop();
report({ deliveriesPerSecond: summarize(rates) });
process.exit(0);
