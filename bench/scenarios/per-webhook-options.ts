import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { freePort } from '../../local/emulators';
import { localClientConfig, startPlatform } from '../../local/platform';
import { startReceiver } from '../../local/receiver';
import { report } from '../stats';

// Scenario 9, the per-webhook options on the local stack against a healthy receiver: how fast an ordered webhook
// takes its events (one at a time, by design), and how closely a throttled webhook is held to its rate.
const ORDERED_EVENTS = Number(process.env.BENCH_ORDERED_EVENTS ?? 500);
const THROTTLE_RATE = Number(process.env.BENCH_THROTTLE_RATE ?? 20);
const THROTTLED_EVENTS = THROTTLE_RATE * 10;

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
});
const receiver = await startReceiver();
const producer = new SQSClient(localClientConfig(platform.sqsEndpoint));
const { key } = await platform.apiKeys.create('bench', 'bench');

async function webhook(path: string, options: Record<string, unknown>) {
  const response = await fetch(`${platform.apiUrl}/v2/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${receiver.url}/${path}`, events: ['verification.completed'], ...options }),
  });
  if (response.status !== 201)
    throw new Error(`creating a webhook answered ${response.status}: ${await response.text()}`);
}

/** Publishes the events as fast as SQS takes them; answers the receipt times of those that reached `path`. */
async function run(path: string, events: number): Promise<number[]> {
  for (let start = 0; start < events; start += 10) {
    const entries = Array.from({ length: Math.min(10, events - start) }, (_, index) => ({
      Id: String(index),
      MessageBody: JSON.stringify({
        tenantId: 'bench',
        id: `evt_${randomUUID().replaceAll('-', '')}`,
        type: 'verification.completed',
        data: { path },
      }),
    }));
    await producer.send(new SendMessageBatchCommand({ QueueUrl: platform.queues.events.queueUrl, Entries: entries }));
  }
  const deadline = Date.now() + 120_000;
  const at = () =>
    receiver.deliveries.filter((delivery) => delivery.path === `/${path}`).map((delivery) => delivery.receivedAt);
  while (at().length < events && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  return at().sort((a, b) => a - b);
}

const busiestSecond = (times: number[]) => {
  let most = 0;
  for (let start = 0, end = 0; start < times.length; start += 1) {
    while (end < times.length && times[end]! < times[start]! + 1000) end += 1;
    most = Math.max(most, end - start);
  }
  return most;
};

await webhook('ordered', { ordering: 'fifo' });
const ordered = await run('ordered', ORDERED_EVENTS);
await webhook('throttled', { throttleRate: THROTTLE_RATE });
const throttled = await run('throttled', THROTTLED_EVENTS);
const spanSeconds = (times: number[]) => (times.at(-1)! - times[0]!) / 1000;

await receiver.stop();
await platform.stop();
report({
  ordered: {
    events: ORDERED_EVENTS,
    received: ordered.length,
    deliveriesPerSecond: (ordered.length - 1) / spanSeconds(ordered),
  },
  throttled: {
    rate: THROTTLE_RATE,
    events: THROTTLED_EVENTS,
    received: throttled.length,
    // from the first delivery to the last: n - 1 intervals
    deliveriesPerSecond: (throttled.length - 1) / spanSeconds(throttled),
    busiestSecond: busiestSecond(throttled),
  },
});
process.exit(0);
