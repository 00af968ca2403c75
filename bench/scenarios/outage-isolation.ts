import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { freePort } from '../../local/emulators';
import { localClientConfig, startPlatform } from '../../local/platform';
import { startReceiver } from '../../local/receiver';
import { DELIVERIES_QUEUE, SETTING_DEFAULTS } from '../../lambdas/platform-settings';
import { latencyPercentiles, publishToArrivalMs, report } from '../stats';

// Scenario 6, outage isolation (issue 8): tenant A's healthy webhooks receive a steady paced stream while
// tenant B's endpoint, with its own stream at the same rate, hangs past the send timeout on every request
// (run "hang") or answers 500 (run "500"). A's publish-to-receipt latency is compared with a run of A alone.
// Each deliver lane's poller runs at the deployed maxConcurrency, with the deployed fast-lane and send timeouts.
const RATE = Number(process.env.BENCH_ISOLATION_RATE ?? 20); // events per second, per tenant
const SECONDS = Number(process.env.BENCH_ISOLATION_SECONDS ?? 20);
const WEBHOOKS_PER_TENANT = 2;
const sendTimeoutSeconds = Number(process.env.SEND_TIMEOUT_SECONDS ?? SETTING_DEFAULTS.sendTimeoutSeconds);

const platform = await startPlatform({
  apiPort: 0,
  dynamo: { port: await freePort() },
  sqs: { port: 0 },
  tableName: 'bench',
  environment: {
    // webhooks take events from their creation on: the consent handshake has its own tests
    ENDPOINT_VERIFICATION: 'off',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    SEND_TIMEOUT_SECONDS: String(sendTimeoutSeconds),
  },
});
const requestsToB = { hang: 0, '500': 0, healthy: 0 };
const receiver = await startReceiver({
  behaviour: {
    decide: (delivery) => {
      if (delivery.path.startsWith('/b-hang')) {
        requestsToB.hang += 1;
        return 'hang';
      }
      if (delivery.path.startsWith('/b-500')) {
        requestsToB['500'] += 1;
        return { status: 500 };
      }
      if (delivery.path.startsWith('/b-healthy')) requestsToB.healthy += 1;
      return { status: 200 };
    },
  },
});
const producer = new SQSClient(localClientConfig(platform.sqsEndpoint));

async function tenantWithWebhooks(tenantId: string, path: string): Promise<{ key: string; webhookIds: string[] }> {
  const { key } = await platform.apiKeys.create(tenantId, tenantId);
  const webhookIds: string[] = [];
  for (let index = 0; index < WEBHOOKS_PER_TENANT; index += 1) {
    const response = await fetch(`${platform.apiUrl}/v2/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiver.url}/${path}-${index}`, events: ['verification.completed'] }),
    });
    if (response.status !== 201)
      throw new Error(`creating a webhook answered ${response.status}: ${await response.text()}`);
    webhookIds.push(((await response.json()) as { id: string }).id);
  }
  return { key, webhookIds };
}

/** Publishes RATE events per second for SECONDS seconds for each tenant, in batches of ten on a fixed clock. */
async function publishPaced(tenantIds: string[], run: string, seconds: number) {
  const batchesPerSecond = RATE / 10;
  const started = Date.now();
  for (let tick = 0; tick < seconds * batchesPerSecond; tick += 1) {
    const wait = started + (tick * 1000) / batchesPerSecond - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const publishedAt = Date.now();
    await Promise.all(
      tenantIds.map((tenantId) =>
        producer.send(
          new SendMessageBatchCommand({
            QueueUrl: platform.queues.events.queueUrl,
            Entries: Array.from({ length: 10 }, (_, index) => ({
              Id: String(index),
              MessageGroupId: tenantId,
              MessageBody: JSON.stringify({
                tenantId,
                id: `evt_${run}_${tick * 10 + index}`,
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

async function runWith(outage: 'none' | 'healthy' | 'hang' | '500', run: string, seconds = SECONDS) {
  const tenantA = `${run}_a`;
  await tenantWithWebhooks(tenantA, `a-${run}`);
  const b = outage === 'none' ? undefined : await tenantWithWebhooks(`${run}_b`, `b-${outage}`);
  const ofA = () => receiver.deliveries.filter((delivery) => delivery.path.startsWith(`/a-${run}`));
  await publishPaced(b ? [tenantA, `${run}_b`] : [tenantA], run, seconds);
  const expected = RATE * seconds * WEBHOOKS_PER_TENANT;
  const deadline = Date.now() + 300_000;
  while (ofA().length < expected) {
    if (Date.now() > deadline)
      throw new Error(`${run}: only ${ofA().length} of ${expected} deliveries to tenant A arrived`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (b) {
    // B's retries and probes must not run into the next run: deleted webhooks are skipped without a request
    for (const webhookId of b.webhookIds) {
      await fetch(`${platform.apiUrl}/v2/webhooks/${webhookId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${b.key}` },
      });
    }
    // let the hung requests reach their timeout and the cached webhooks expire before the next run
    await new Promise((resolve) => setTimeout(resolve, ((outage === 'hang' ? sendTimeoutSeconds : 0) + 6) * 1000));
  }
  const latencies = ofA().map(publishToArrivalMs);
  return latencyPercentiles(latencies);
}

// a short warm-up (module loading, the emulators' JIT), then each outage run right after its own run of A alone,
// so that a busy moment of the machine is less likely to fall on one side of a ratio only
await runWith('none', 'warmup', 5);
const aloneBeforeHang = await runWith('none', 'alone1');
// the control: B's stream at the same rate to a healthy endpoint, so the CPU the local stack shares between A's
// and B's deliveries (on AWS, separate containers) is told apart from what B's outage costs A
const healthy = await runWith('healthy', 'healthy');
const hang = await runWith('hang', 'hang');
const aloneBefore500 = await runWith('none', 'alone2');
const failing = await runWith('500', 'fail');
await receiver.stop();
await platform.stop();
report({
  ratePerTenant: RATE,
  seconds: SECONDS,
  webhooksPerTenant: WEBHOOKS_PER_TENANT,
  deliverConcurrency: DELIVERIES_QUEUE.maxConcurrency,
  batchSize: DELIVERIES_QUEUE.batchSize,
  sendTimeoutSeconds,
  fastLaneSendTimeoutSeconds: SETTING_DEFAULTS.fastLaneSendTimeoutSeconds,
  aloneBeforeHang,
  healthy: { ...healthy, p99Ratio: healthy.p99 / aloneBeforeHang.p99, requestsToB: requestsToB.healthy },
  hang: {
    ...hang,
    p99Ratio: hang.p99 / aloneBeforeHang.p99,
    p99RatioToHealthyB: hang.p99 / healthy.p99,
    requestsToB: requestsToB.hang,
  },
  aloneBefore500,
  failing: {
    ...failing,
    p99Ratio: failing.p99 / aloneBefore500.p99,
    p99RatioToHealthyB: failing.p99 / healthy.p99,
    requestsToB: requestsToB['500'],
  },
});
process.exit(0);
