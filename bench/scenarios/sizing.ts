import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DELIVERIES_QUEUE } from '../../lambdas/platform-settings';
import { deliveryBatches, inParallel, stubbedDeliverHandler } from '../deliveries';
import { report } from '../stats';

// Scenario 8: what one deliver lane sustains at its deployed maxConcurrency (20 batches of 10 at once) against
// receivers that answer in 50 ms, 200 ms and 1 s. The AWS SDK is answered in-process (DynamoDB Local's own
// latency would measure the emulator), so the figure is the lane's: its concurrency, its batches, its code.
const LATENCIES_MS = [50, 200, 1000];
const SECONDS_PER_FIGURE = 6;
let delayMs = 0;
const receiver = createServer((request, response) => {
  request.resume();
  request.on('end', () => setTimeout(() => response.writeHead(200).end('ok'), delayMs));
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const handler = await stubbedDeliverHandler(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`);
const { maxConcurrency, batchSize } = DELIVERIES_QUEUE;

const rows = [];
for (const latencyMs of LATENCIES_MS) {
  delayMs = latencyMs;
  // enough deliveries to keep every slot busy for a few seconds at the rate the model expects
  const modelPerSecond = (maxConcurrency * batchSize) / (latencyMs / 1000);
  const batches = deliveryBatches(Math.round((modelPerSecond * SECONDS_PER_FIGURE) / batchSize) * batchSize);
  const started = performance.now();
  await inParallel(batches, maxConcurrency, async (batch) => {
    const response = await handler(batch);
    if (response.batchItemFailures.length) throw new Error(`${response.batchItemFailures.length} deliveries failed`);
  });
  const measuredPerSecond = (batches.length * batchSize) / ((performance.now() - started) / 1000);
  rows.push({ receiverLatencyMs: latencyMs, maxConcurrency, batchSize, measuredPerSecond, modelPerSecond });
}
receiver.close();
report({ perLane: rows });
process.exit(0);
