import { BENCH_WEBHOOKS, deliveryBatches, inParallel } from '../deliveries';
import { createWebhook, startDeliverStack } from '../deliver-stack';
import { compareWithModel, plainDeliveryModel } from '../request-model';
import { startReceiverProcess } from '../receiver-client';
import { SdkMeter } from '../sdk-meter';
import { report, repeat, settings, summarize } from '../stats';

// Scenario 3: the real deliver handler against DynamoDB Local and fauxqs. DynamoDB Local (Java, SQLite) is
// two orders of magnitude slower than DynamoDB, so this scenario sends a tenth of N. Its webhooks are plain (no auth,
// no sealed key, no AWS destination): their requests per delivery are compared with the accounting model's
// (bench/request-model.ts), so a feature that makes webhooks which do not use it pay shows here.
const receiver = await startReceiverProcess();
const stack = await startDeliverStack();

const { documentClient } = await import('../../lambdas/adapters/dynamo-client');
const { sqsClient } = await import('../../lambdas/adapters/sqs-client');
// the webhooks as the API creates them (their secrets as it stores them), 50 of them, so that a batch of ten names ten
const webhookIds: string[] = [];
for (let index = 0; index < BENCH_WEBHOOKS; index += 1) webhookIds.push(await createWebhook({ url: receiver.url }));
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
  const batches = deliveryBatches(round < 0 ? settings.deliveries / 100 : settings.deliveries / 10, { webhookIds });
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
    // the bench webhooks go round in batches of ten, so each batch names ten distinct webhooks
    requests: compareWithModel(batches.length * 10, meter.counts, meter.items, plainDeliveryModel(10)),
  };
});

receiver.stop();
await stack.stop();
const last = rounds.at(-1)!;
report({
  deliveriesPerSecond: summarize(rounds.map((round) => round.rate)),
  timeSplit: last.split,
  callsPerRound: last.calls,
  plainWebhookRequests: last.requests,
});
process.exit(0);
