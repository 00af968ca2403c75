import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { BENCH_SECRET, inParallel } from '../deliveries';
import { startReceiverProcess } from '../receiver-client';
import { report, repeat, settings, summarize } from '../stats';

// Scenario 1, the limit: sign with both schemes and POST over keep-alive, nothing else.
const receiver = await startReceiverProcess();
const agent = new Agent({ keepAliveTimeout: 60_000 });
const body = JSON.stringify({
  id: 'evt_bench',
  type: 'verification.completed',
  data: { verificationId: 'ver_1', status: 'completed' },
});
const standard = new Webhook(BENCH_SECRET);

async function deliverOne(index: number) {
  const now = new Date();
  const response = await request(receiver.url, {
    method: 'POST',
    dispatcher: agent,
    body,
    headers: {
      'content-type': 'application/json',
      'x-verifik-signature': `sha256=${createHmac('sha256', BENCH_SECRET).update(body).digest('hex')}`,
      'webhook-id': `evt_bench_${index}`,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': standard.sign(`evt_bench_${index}`, now, body),
    },
  });
  await response.body.text();
  if (response.statusCode !== 200) throw new Error(`receiver answered ${response.statusCode}`);
}

const rates = await repeat(settings.rounds, async (round) => {
  const count = round < 0 ? settings.deliveries / 10 : settings.deliveries;
  const indexes = Array.from({ length: count }, (_, index) => index);
  const started = performance.now();
  await inParallel(indexes, settings.concurrency, deliverOne);
  return count / ((performance.now() - started) / 1000);
});

await agent.close();
receiver.stop();
report({ deliveriesPerSecond: summarize(rates) });
