import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { freePort, startDynamoDb, startSqs } from '../../local/emulators';
import { localClientConfig } from '../../local/platform';
import { provisionQueues, provisionTable } from '../../local/provision';
import { deliverEnvironment, deliveryBatches, inParallel, webhookItems } from '../deliveries';
import { startReceiverProcess } from '../receiver-client';
import { SdkMeter } from '../sdk-meter';
import { report, repeat, settings, summarize } from '../stats';

// Scenario 3: the real deliver handler against DynamoDB Local and fauxqs. DynamoDB Local (Java, SQLite) is
// two orders of magnitude slower than DynamoDB, so this scenario sends a tenth of N.
const receiver = await startReceiverProcess();
const dynamo = await startDynamoDb({ port: await freePort() });
const sqs = await startSqs({ port: 0 });
await provisionTable(new DynamoDBClient(localClientConfig(dynamo.endpoint)), 'bench');
const queues = await provisionQueues(new SQSClient(localClientConfig(sqs.endpoint)));
deliverEnvironment(
  'bench',
  queues.deliveries.queueUrl,
  queues.slowDeliveries.queueUrl,
  queues.deliveries.dlqUrl,
  queues.platformEvents.queueUrl,
);
Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_ENDPOINT_URL_SQS: sqs.endpoint });

const { documentClient } = await import('../../lambdas/adapters/dynamo-client');
const { sqsClient } = await import('../../lambdas/adapters/sqs-client');
const items = webhookItems(receiver.url);
for (let start = 0; start < items.length; start += 25) {
  await documentClient.send(
    new BatchWriteCommand({
      RequestItems: { bench: items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) },
    }),
  );
}
const meter = new SdkMeter();
meter.attach('DynamoDB', documentClient);
meter.attach('SQS', sqsClient);
const { GuardedHttpClient } = await import('../../lambdas/adapters/guarded-http-client');
let httpMilliseconds = 0;
const request = GuardedHttpClient.prototype.request;
GuardedHttpClient.prototype.request = async function timedRequest(
  this: InstanceType<typeof GuardedHttpClient>,
  ...args: Parameters<typeof request>
) {
  const started = performance.now();
  try {
    return await request.apply(this, args);
  } finally {
    httpMilliseconds += performance.now() - started;
  }
};
const { handler } = await import('../../lambdas/events/deliver');

const rounds = await repeat(settings.rounds, async (round) => {
  meter.reset();
  httpMilliseconds = 0;
  const batches = deliveryBatches(round < 0 ? settings.deliveries / 100 : settings.deliveries / 10);
  const started = performance.now();
  await inParallel(batches, settings.concurrency / 10, async (batch) => {
    const response = await handler(batch);
    if (response.batchItemFailures.length) throw new Error(`${response.batchItemFailures.length} deliveries failed`);
  });
  const rate = (batches.length * 10) / ((performance.now() - started) / 1000);
  const dynamoMs = meter.total('DynamoDB', 'milliseconds');
  const sqsMs = meter.total('SQS', 'milliseconds');
  const all = httpMilliseconds + dynamoMs + sqsMs;
  return {
    rate,
    split: { http: httpMilliseconds / all, dynamodb: dynamoMs / all, sqs: sqsMs / all },
    calls: { ...meter.counts },
  };
});

receiver.stop();
await sqs.stop();
await dynamo.stop();
const last = rounds.at(-1)!;
report({
  deliveriesPerSecond: summarize(rounds.map((round) => round.rate)),
  timeSplit: last.split,
  callsPerRound: last.calls,
});
process.exit(0);
