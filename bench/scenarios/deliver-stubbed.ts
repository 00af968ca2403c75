import { deliveryBatches, inParallel, stubbedDeliverHandler } from '../deliveries';
import { startReceiverProcess } from '../receiver-client';
import { report, repeat, settings, summarize } from '../stats';

// Scenario 2: the real deliver handler, the AWS SDK answered in-process, the same receiver and concurrency.
const receiver = await startReceiverProcess();
const handler = await stubbedDeliverHandler(receiver.url);

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
