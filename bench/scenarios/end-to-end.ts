import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { freePort } from '../../local/emulators';
import { localClientConfig, startPlatform } from '../../local/platform';
import { startReceiver } from '../../local/receiver';
import type { SqsHandler } from '../../local/sqs-poller';
import { FUNCTION_MEMORY_MB } from '../../lambdas/platform-settings';
import { PRICES_USD, provisionedPerMillion } from '../prices';
import { SdkMeter } from '../sdk-meter';
import { percentile, publishToArrivalMs, report, repeat, settings, summarize } from '../stats';

// Scenarios 4 and 5: the whole local stack; publish E events for a tenant with 3 webhooks, count verified
// receipts, measure publish-to-receipt latency, and count the requests AWS would bill.
const WEBHOOKS = 3;
const meter = new SdkMeter();
const invocations = { 'fan-out': 0, deliver: 0 };
const handlerMilliseconds = { 'fan-out': 0, deliver: 0 };
const wrapConsumer =
  (name: 'fan-out' | 'deliver', handler: SqsHandler): SqsHandler =>
  async (event, context) => {
    invocations[name] += 1;
    const started = performance.now();
    try {
      return await handler(event, context);
    } finally {
      handlerMilliseconds[name] += performance.now() - started;
    }
  };

const platform = await startPlatform({
  apiPort: 0,
  dynamo: { port: await freePort() },
  sqs: { port: 0 },
  tableName: 'bench',
  environment: {
    // webhooks take events from their creation on: the consent handshake has its own tests
    ENDPOINT_VERIFICATION: 'off',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  },
  wrapConsumer,
  onPollerClient: (client) => meter.attach('SQS', client),
});
const { documentClient } = await import('../../lambdas/adapters/dynamo-client');
const { sqsClient } = await import('../../lambdas/adapters/sqs-client');
meter.attach('DynamoDB', documentClient);
meter.attach('SQS', sqsClient);

// BENCH_TENANT_SETTINGS (JSON, e.g. {"retryScheduleSeconds":[1,1],"eventRetentionDays":7}): the tenant's own
// settings (docs/design.md §16), written as PUT /admin/tenants does, to compare what a tenant with them costs
if (process.env.BENCH_TENANT_SETTINGS) {
  const { DynamoTenantRepository } = await import('../../lambdas/adapters/tenant-repository');
  const settings = JSON.parse(process.env.BENCH_TENANT_SETTINGS);
  await new DynamoTenantRepository(documentClient, 'bench').put('bench', { settings }, new Date().toISOString());
}
const receiver = await startReceiver();
const { key } = await platform.apiKeys.create('bench', 'bench');
for (let index = 0; index < WEBHOOKS; index += 1) {
  const response = await fetch(`${platform.apiUrl}/v2/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${receiver.url}/hook-${index}`, events: ['verification.completed'] }),
  });
  receiver.secrets.push(((await response.json()) as { secret: string }).secret);
}
const producer = new SQSClient(localClientConfig(platform.sqsEndpoint));

/** Publishes `events` in batches of ten, `pauseMs` apart (0: as fast as the producer can). */
async function publish(round: string, events: number, pauseMs: number) {
  for (let start = 0; start < events; start += 10) {
    const publishedAt = Date.now();
    await producer.send(
      new SendMessageBatchCommand({
        QueueUrl: platform.queues.events.queueUrl,
        Entries: Array.from({ length: Math.min(10, events - start) }, (_, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify({
            tenantId: 'bench',
            id: `evt_${round}_${start + index}`,
            type: 'verification.completed',
            data: { publishedAt },
          }),
        })),
      }),
    );
    if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

async function received(expected: number, started: number) {
  while (receiver.deliveries.length < expected) {
    if (Date.now() - started > 600_000)
      throw new Error(`only ${receiver.deliveries.length} of ${expected} deliveries arrived`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return receiver.deliveries.map(publishToArrivalMs);
}

const rounds = await repeat(settings.rounds, async (round) => {
  const events = round < 0 ? settings.events / 10 : settings.events;
  receiver.deliveries.length = 0;
  meter.reset();
  invocations['fan-out'] = invocations.deliver = 0;
  handlerMilliseconds['fan-out'] = handlerMilliseconds.deliver = 0;
  const started = Date.now();
  await publish(`r${round + 1}`, events, 0);
  const expected = events * WEBHOOKS;
  const latencies = await received(expected, started);
  const elapsed = (Math.max(...receiver.deliveries.map((delivery) => delivery.receivedAt)) - started) / 1000;
  const verified = receiver.deliveries.filter(
    (delivery) => delivery.standardVerified && delivery.githubVerified,
  ).length;
  return {
    deliveriesPerSecond: expected / elapsed,
    verified,
    expected,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
    requests: { ...meter.counts },
    items: { ...meter.items },
    invocations: { ...invocations },
    handlerMilliseconds: { ...handlerMilliseconds },
  };
});

// latency when the stack is not saturated: PACED_EVENTS_PER_SECOND for 10 s
const PACED_EVENTS_PER_SECOND = 300;
receiver.deliveries.length = 0;
const pacedEvents = PACED_EVENTS_PER_SECOND * 10;
const pacedLatencies = await received(
  await publish('paced', pacedEvents, PACED_EVENTS_PER_SECOND).then(() => pacedEvents * WEBHOOKS),
  Date.now(),
);
const pacedLatencyMs = {
  p50: percentile(pacedLatencies, 50),
  p95: percentile(pacedLatencies, 95),
  p99: percentile(pacedLatencies, 99),
};

// requests per delivery and per event, from the last round
const last = rounds.at(-1)!;
const deliveries = last.expected;
const events = deliveries / WEBHOOKS;
const count = (of: Record<string, number>, prefix: string) =>
  Object.entries(of)
    .filter(([name]) => name.startsWith(prefix))
    .reduce((sum, [, value]) => sum + value, 0);
const sqsRequests = count(last.requests, 'SQS.');
const emptyReceives = last.requests['SQS.ReceiveMessageCommand(empty)'] ?? 0;
// write units: one per item written (every item here is under 1 KB), plus the EventsByTime index's one write per
// event (the claim sets its keys; the completion changes no projected attribute), which no request shows;
// read units: one per Query and per item of a BatchGetItem, rounded up
const indexWrites = events;
const dynamoWrites =
  count(last.items, 'DynamoDB.UpdateItem') +
  count(last.items, 'DynamoDB.PutItem') +
  count(last.items, 'DynamoDB.BatchWriteItem') +
  indexWrites;
const dynamoReads =
  count(last.requests, 'DynamoDB.Query') +
  count(last.items, 'DynamoDB.BatchGetItem') +
  count(last.requests, 'DynamoDB.GetItem');
const lambdaInvocations = last.invocations['fan-out'] + last.invocations.deliver;
// each function at its deployed memory (its billed GB-seconds); the handler time is this machine's, at a full CPU
const gbSeconds =
  (last.handlerMilliseconds['fan-out'] / 1000) * (FUNCTION_MEMORY_MB.fanOut / 1024) +
  (last.handlerMilliseconds.deliver / 1000) * (FUNCTION_MEMORY_MB.deliver / 1024);
const dollarsPerMillion = {
  sqs: (sqsRequests / deliveries) * PRICES_USD.sqsPerMillionRequests,
  dynamoDbWrites: (dynamoWrites / deliveries) * PRICES_USD.dynamoDbPerMillionWriteUnits,
  dynamoDbReads: (dynamoReads / deliveries) * PRICES_USD.dynamoDbPerMillionReadUnits,
  lambdaRequests: (lambdaInvocations / deliveries) * PRICES_USD.lambdaPerMillionRequests,
  lambdaDuration: (gbSeconds / deliveries) * 1e6 * PRICES_USD.lambdaArmPerGbSecond,
};
const withoutEmptyReceives =
  Object.values(dollarsPerMillion).reduce((sum, value) => sum + value, 0) -
  (emptyReceives / deliveries) * PRICES_USD.sqsPerMillionRequests;
await receiver.stop();
await platform.stop();
report({
  deliveriesPerSecond: summarize(rounds.map((round) => round.deliveriesPerSecond)),
  latencyMs: {
    p50: summarize(rounds.map((round) => round.latencyMs.p50)),
    p95: summarize(rounds.map((round) => round.latencyMs.p95)),
    p99: summarize(rounds.map((round) => round.latencyMs.p99)),
  },
  pacedLatencyMs,
  pacedEventsPerSecond: PACED_EVENTS_PER_SECOND,
  verifiedReceipts: `${last.verified}/${last.expected}`,
  sqsRequestsPerDeliveryWithoutEmptyReceives: (sqsRequests - emptyReceives) / deliveries,
  perDelivery: {
    sqsRequests: sqsRequests / deliveries,
    dynamoDbWrites: dynamoWrites / deliveries,
    dynamoDbReads: dynamoReads / deliveries,
    lambdaInvocations: lambdaInvocations / deliveries,
  },
  perEvent: {
    sqsRequests: sqsRequests / events,
    dynamoDbWrites: dynamoWrites / events,
    dynamoDbReads: dynamoReads / events,
    lambdaInvocations: lambdaInvocations / events,
  },
  requestsLastRound: last.requests,
  indexWritesLastRound: indexWrites,
  dollarsPerMillionDeliveries: {
    ...dollarsPerMillion,
    total: Object.values(dollarsPerMillion).reduce((sum, value) => sum + value, 0),
  },
  dollarsPerMillionWithoutEmptyReceives: withoutEmptyReceives,
  // the same counts with the table in provisioned capacity at 70 % utilisation (billingMode provisioned)
  dollarsPerMillionProvisioned:
    withoutEmptyReceives -
    dollarsPerMillion.dynamoDbWrites -
    dollarsPerMillion.dynamoDbReads +
    (dynamoWrites / deliveries) * provisionedPerMillion(PRICES_USD.dynamoDbWriteCapacityUnitHour) +
    (dynamoReads / deliveries) * provisionedPerMillion(PRICES_USD.dynamoDbReadCapacityUnitHour),
});
process.exit(0);
