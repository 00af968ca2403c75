import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from '../../lib/function-code';
import { runFresh, SPAWNS } from '../bundle-import';
import { deliveryBatches } from '../deliveries';
import { createWebhook, startDeliverStack } from '../deliver-stack';
import { startReceiverProcess } from '../receiver-client';
import { report, summarize } from '../stats';

// Scenario 12 (issue 25's bench): a deliver container's cold start, the fast lane's bundle as `cdk synth` builds it
// imported by a fresh Node process that then delivers its first batch (ten events of one webhook) on DynamoDB Local
// and fauxqs: for a webhook with an ed25519 key (sealed: the container opens the webhook's data key, here with the
// local key standing in for KMS, then the private key, and signs v1a beside v1) next to a plain webhook. Fresh
// processes for the two take turns, so the machine's load weighs on both alike.
const work = join(process.cwd(), 'bench/.work-sealed');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
await build(bundleOptions('events/deliver', work));
const bundle = join(work, 'index.mjs');

const stack = await startDeliverStack();
const receiver = await startReceiverProcess();
const webhooks = {
  plain: await createWebhook({ url: receiver.url }),
  ed25519: await createWebhook({ url: receiver.url, signing: { ed25519: true } }),
};

const script = (batch: unknown) =>
  [
    'const started = performance.now();',
    'const cpu = process.cpuUsage();',
    `const { handler } = await import(${JSON.stringify(bundle)});`,
    'const imported = performance.now();',
    `const { batchItemFailures } = await handler(${JSON.stringify(batch)});`,
    "if (batchItemFailures.length) throw new Error('the first batch failed');",
    'const { user, system } = process.cpuUsage(cpu);',
    'const firstBatchMs = performance.now() - imported;',
    'console.log(JSON.stringify({ initMs: imported - started, firstBatchMs, cpuMs: (user + system) / 1000 }));',
  ].join('\n');

type ColdStart = { initMs: number; firstBatchMs: number; cpuMs: number };
const times: Record<keyof typeof webhooks, ColdStart[]> = { plain: [], ed25519: [] };
for (let spawn = 0; spawn < SPAWNS; spawn += 1) {
  for (const kind of ['plain', 'ed25519'] as const) {
    const [batch] = deliveryBatches(10, { webhookIds: [webhooks[kind]], eventPrefix: `evt_${kind}_${spawn}` });
    const output = runFresh(script(batch), undefined, process.env).split('\n').at(-1)!;
    times[kind].push(JSON.parse(output));
  }
}
receiver.stop();
await stack.stop();
rmSync(work, { recursive: true, force: true });

const figures = (kind: keyof typeof times) => ({
  initMs: summarize(times[kind].map((time) => time.initMs)),
  firstBatchMs: summarize(times[kind].map((time) => time.firstBatchMs)),
  coldStartMs: summarize(times[kind].map((time) => time.initMs + time.firstBatchMs)),
  // the CPU time of import and first batch: what another process's load on this machine does not lengthen
  coldStartCpuMs: summarize(times[kind].map((time) => time.cpuMs)),
});
const plain = figures('plain');
const ed25519 = figures('ed25519');
report({
  plain,
  ed25519,
  coldStartRatio: ed25519.coldStartMs.median / plain.coldStartMs.median,
  firstBatchRatio: ed25519.firstBatchMs.median / plain.firstBatchMs.median,
  coldStartCpuRatio: ed25519.coldStartCpuMs.median / plain.coldStartCpuMs.median,
  spawnsPerFigure: SPAWNS,
});
process.exit(0);
