import { deliveryBatches } from './deliveries';
import { SdkMeter } from './sdk-meter';
import { report } from './stats';

// One deliver container of the OAuth2 token scenario (bench/scenarios/oauth2-token-cache.ts), in a process of its
// own as Lambda's containers are: the fast lane's handler takes a batch of ten deliveries of the webhook at a time,
// BENCH_PAUSE_MS apart, for BENCH_SECONDS, counting what its token cache asks of the table.
const webhookId = process.env.BENCH_WEBHOOK_ID!;
const seconds = Number(process.env.BENCH_SECONDS);
const pauseMs = Number(process.env.BENCH_PAUSE_MS);
const container = process.env.BENCH_CONTAINER!;

const { DynamoOAuth2TokenRepository } = await import('../lambdas/adapters/oauth2-token-repository');
const tokenStore = { read: 0, takeLease: 0, store: 0, releaseLease: 0 };
const methods = DynamoOAuth2TokenRepository.prototype as unknown as Record<
  keyof typeof tokenStore,
  (...args: unknown[]) => Promise<unknown>
>;
for (const method of Object.keys(tokenStore) as (keyof typeof tokenStore)[]) {
  const original = methods[method];
  methods[method] = function counted(this: unknown, ...args: unknown[]) {
    tokenStore[method] += 1;
    return original.apply(this, args);
  };
}
const meter = new SdkMeter();
const { documentClient } = await import('../lambdas/adapters/dynamo-client');
meter.attach('DynamoDB', documentClient);
const { handler } = await import('../lambdas/events/deliver');

let deliveries = 0;
let failures = 0;
const until = Date.now() + seconds * 1000;
for (let batchIndex = 0; Date.now() < until; batchIndex += 1) {
  const [batch] = deliveryBatches(10, { webhookIds: [webhookId], eventPrefix: `evt_${container}_${batchIndex}` });
  const { batchItemFailures } = await handler(batch!);
  failures += batchItemFailures.length;
  deliveries += 10 - batchItemFailures.length;
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
}
report({ deliveries, failures, tokenStore, requests: meter.counts });
process.exit(0);
