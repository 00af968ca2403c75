import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { freePort } from '../../local/emulators';
import { localClientConfig, startPlatform } from '../../local/platform';
import { startReceiver } from '../../local/receiver';
import { ORDERED_DELIVERIES_QUEUE, SETTING_DEFAULTS } from '../../lambdas/platform-settings';
import { latencyPercentiles, publishToArrivalMs, report } from '../stats';

// Scenario 11, ordered-lane isolation (issue 24 §3): tenant A's ordered webhook receives a steady paced stream while
// tenant B's ordered webhooks (12, as in the audit) get 20 events each at the start of it and answer after 12 s (run
// "slow", the audit's case) or never (run "hang"). A's publish-to-receipt latency is compared with a run of A alone
// made just before, and with a control run where B's ordered webhooks answer at once. The queues have SQS's FIFO
// semantics
// (local/fauxqs-fifo.ts); each ordered lane's poller runs at the deployed maxConcurrency, with the deployed fast-lane
// and send timeouts.
const RATE = Number(process.env.BENCH_ORDERED_ISOLATION_RATE ?? 5); // A's events per second
const B_EVENTS = Number(process.env.BENCH_ORDERED_ISOLATION_B_EVENTS ?? 20); // B's burst, each event to every webhook
const B_SLOW_MS = 12_000;
const SECONDS = Number(process.env.BENCH_ORDERED_ISOLATION_SECONDS ?? 30);
const B_WEBHOOKS = Number(process.env.BENCH_ORDERED_ISOLATION_B_WEBHOOKS ?? 12);
const sendTimeoutSeconds = Number(process.env.SEND_TIMEOUT_SECONDS ?? SETTING_DEFAULTS.sendTimeoutSeconds);

const platform = await startPlatform({
  apiPort: 0,
  dynamo: { port: await freePort() },
  sqs: { port: 0 },
  tableName: 'bench',
  environment: {
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    SEND_TIMEOUT_SECONDS: String(sendTimeoutSeconds),
    ENDPOINT_VERIFICATION: 'off',
  },
});
const requestsToB = { hang: 0, slow: 0, healthy: 0 };
const receiver = await startReceiver({
  behaviour: {
    decide: (delivery) => {
      if (delivery.path.startsWith('/b-hang')) {
        requestsToB.hang += 1;
        return 'hang';
      }
      if (delivery.path.startsWith('/b-slow')) {
        requestsToB.slow += 1;
        return { status: 200, delayMs: B_SLOW_MS };
      }
      if (delivery.path.startsWith('/b-healthy')) requestsToB.healthy += 1;
      return { status: 200 };
    },
  },
});
const producer = new SQSClient(localClientConfig(platform.sqsEndpoint));

async function tenantWithOrderedWebhooks(tenantId: string, path: string, count: number) {
  const { key } = await platform.apiKeys.create(tenantId, tenantId);
  const webhookIds: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const response = await fetch(`${platform.apiUrl}/v2/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        url: `${receiver.url}/${path}-${index}`,
        events: ['verification.completed'],
        ordering: 'fifo',
      }),
    });
    if (response.status !== 201)
      throw new Error(`creating a webhook answered ${response.status}: ${await response.text()}`);
    webhookIds.push(((await response.json()) as { id: string }).id);
  }
  return { key, webhookIds };
}

/** Publishes B's burst, ten events a request. */
async function publishBurst(tenantId: string, run: string) {
  for (let start = 0; start < B_EVENTS; start += 10)
    await producer.send(
      new SendMessageBatchCommand({
        QueueUrl: platform.queues.events.queueUrl,
        Entries: Array.from({ length: Math.min(10, B_EVENTS - start) }, (_, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify({
            tenantId,
            id: `evt_${run}_b_${start + index}`,
            type: 'verification.completed',
            data: {},
          }),
        })),
      }),
    );
}

/** Publishes each tenant's events per second for SECONDS seconds, once a second on a fixed clock. */
async function publishPaced(tenants: { tenantId: string; rate: number }[], run: string, seconds: number) {
  const started = Date.now();
  for (let tick = 0; tick < seconds; tick += 1) {
    const wait = started + tick * 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const publishedAt = Date.now();
    await Promise.all(
      tenants.map(({ tenantId, rate }) =>
        producer.send(
          new SendMessageBatchCommand({
            QueueUrl: platform.queues.events.queueUrl,
            Entries: Array.from({ length: rate }, (_, index) => ({
              Id: String(index),
              MessageBody: JSON.stringify({
                tenantId,
                id: `evt_${run}_${tenantId}_${tick * rate + index}`,
                type: 'verification.completed',
                data: { publishedAt },
              }),
            })),
          }),
        ),
      ),
    );
  }
}

async function runWith(b: 'none' | 'healthy' | 'slow' | 'hang', run: string, seconds = SECONDS) {
  const tenantA = `${run}_a`;
  await tenantWithOrderedWebhooks(tenantA, `a-${run}`, 1);
  const tenantB = b === 'none' ? undefined : await tenantWithOrderedWebhooks(`${run}_b`, `b-${b}`, B_WEBHOOKS);
  const ofA = () => receiver.deliveries.filter((delivery) => delivery.path.startsWith(`/a-${run}`));
  if (tenantB) await publishBurst(`${run}_b`, run);
  await publishPaced([{ tenantId: tenantA, rate: RATE }], run, seconds);
  const expected = RATE * seconds;
  const deadline = Date.now() + 300_000;
  while (ofA().length < expected) {
    if (Date.now() > deadline)
      throw new Error(`${run}: only ${ofA().length} of ${expected} deliveries to tenant A arrived`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (tenantB) {
    // B's retries and probes must not run into the next run: deleted webhooks are skipped without a request
    for (const webhookId of tenantB.webhookIds) {
      await fetch(`${platform.apiUrl}/v2/webhooks/${webhookId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${tenantB.key}` },
      });
    }
    // let the hung requests reach their timeout and B's queued deliveries be skipped before the next run
    const inFlightSeconds = b === 'slow' ? B_SLOW_MS / 1000 : b === 'hang' ? sendTimeoutSeconds : 0;
    await new Promise((resolve) => setTimeout(resolve, (inFlightSeconds + 6) * 1000));
  }
  const arrivals = ofA();
  const latencies = arrivals.map(publishToArrivalMs);
  // the ordered lane's promise: A's deliveries arrive in the order fan-out queued them, whatever B does
  const firstArrivals = [...new Set(arrivals.map((delivery) => delivery.eventId))];
  return { ...latencyPercentiles(latencies), distinctEvents: firstArrivals.length };
}

// a short warm-up (module loading, the emulators' JIT), then the hang run right after its own run of A alone, so that
// a busy moment of the machine is less likely to fall on one side of a ratio only
await runWith('none', 'warmup', 5);
const alone = await runWith('none', 'alone');
// the control: B's streams at the same rate to healthy ordered endpoints, so the CPU the local stack shares between
// A's and B's deliveries (on AWS, separate containers) is told apart from what B's hanging endpoints cost A
const healthy = await runWith('healthy', 'healthy');
const slow = await runWith('slow', 'slow');
const hang = await runWith('hang', 'hang');
await receiver.stop();
await platform.stop();
report({
  rateOfA: RATE,
  eventsOfB: B_EVENTS,
  slowAnswerMs: B_SLOW_MS,
  seconds: SECONDS,
  orderedWebhooksOfB: B_WEBHOOKS,
  orderedConcurrency: ORDERED_DELIVERIES_QUEUE.maxConcurrency,
  batchSize: ORDERED_DELIVERIES_QUEUE.batchSize,
  sendTimeoutSeconds,
  fastLaneSendTimeoutSeconds: SETTING_DEFAULTS.fastLaneSendTimeoutSeconds,
  alone,
  healthy: { ...healthy, p99Ratio: healthy.p99 / alone.p99, requestsToB: requestsToB.healthy },
  slow: {
    ...slow,
    p99Ratio: slow.p99 / alone.p99,
    p99RatioToHealthyB: slow.p99 / healthy.p99,
    requestsToB: requestsToB.slow,
  },
  hang: {
    ...hang,
    p99Ratio: hang.p99 / alone.p99,
    p99RatioToHealthyB: hang.p99 / healthy.p99,
    requestsToB: requestsToB.hang,
  },
});
process.exit(0);
