import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { environmentSchema } from '../lambdas/adapters/config';
import { bundleOptions } from '../lib/function-code';
import type { SdkClient } from './bundle-files';
import { type Summary, summarize } from './stats';

/** Fresh processes per cold-start figure (BENCH_SPAWNS): each figure is their median. */
export const SPAWNS = Number(process.env.BENCH_SPAWNS ?? 20);

/**
 * What the functions read at start-up, with placeholder values: importing a bundle must not need AWS. Every queue the
 * configuration names gets a placeholder URL, so a queue added to it needs nothing here.
 */
export const BUNDLE_ENVIRONMENT = {
  ...process.env,
  ...Object.fromEntries(
    Object.keys(environmentSchema.shape)
      .filter((name) => /_(QUEUE|DLQ)_URL$/.test(name))
      .map((name) => [name, `https://sqs.us-east-1.amazonaws.com/000000000000/${name.toLowerCase()}`]),
  ),
  TABLE_NAME: 'bench',
  PLATFORM_EVENTS_QUEUE_ARN: 'arn:aws:sqs:us-east-1:000000000000:platform-events',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
};

/**
 * Runs `script` (an ES module's text) in a fresh Node process, in `env` (the placeholder environment unless given),
 * optionally inside `cgroup`, and returns its output.
 */
export function runFresh(script: string, cgroup?: string, env: NodeJS.ProcessEnv = BUNDLE_ENVIRONMENT): string {
  const [command, args] = cgroup
    ? [
        'sh',
        ['-c', `echo $$ > ${join(cgroup, 'tasks')} && exec "$0" --input-type=module -e "$1"`, process.execPath, script],
      ]
    : [process.execPath, ['--input-type=module', '-e', script]];
  const result = spawnSync(command, args as string[], { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${script} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** Wall and CPU milliseconds of one import (another process's load lengthens the first, not the second). */
const importScript = (bundle: string) =>
  `const t = performance.now(); const c = process.cpuUsage(); await import(${JSON.stringify(bundle)}); ` +
  'const { user, system } = process.cpuUsage(c); ' +
  'console.log(JSON.stringify({ wall: performance.now() - t, cpu: (user + system) / 1000 }));';

type ImportTime = { wall: number; cpu: number };
export type ImportTimes = { wall: Summary; cpu: Summary };
const importTime = (bundle: string, cgroup?: string): ImportTime => JSON.parse(runFresh(importScript(bundle), cgroup));

/**
 * Milliseconds fresh Node processes spend importing a bundle (Node's own start-up excluded), as the median and
 * spread of `spawns` runs; with `cgroup`, each process runs inside that cgroup (a CPU quota) from its first
 * instruction.
 */
export function importMilliseconds(bundle: string, spawns: number, cgroup?: string): Summary {
  return summarize(Array.from({ length: spawns }, () => importTime(bundle, cgroup).wall));
}

/**
 * The same for several bundles, wall and CPU time, their spawns taken in turn (a, b, a, b, …), so that another
 * process's load on this shared machine weighs on each of them alike. On a busy machine the wall time of an import
 * waits for the CPU; its CPU time does not, so the CPU times' ratio is the one that holds there.
 */
export function importMillisecondsInTurn(bundles: readonly string[], spawns: number): ImportTimes[] {
  const times = bundles.map(() => [] as ImportTime[]);
  for (let spawn = 0; spawn < spawns; spawn += 1)
    bundles.forEach((bundle, index) => times[index]!.push(importTime(bundle)));
  return times.map((runs) => ({
    wall: summarize(runs.map((run) => run.wall)),
    cpu: summarize(runs.map((run) => run.cpu)),
  }));
}

/**
 * Milliseconds a fresh process spends on `firstUse` (an ES module's statement, awaited) after importing `bundle`:
 * what a function pays later, on first use, for what it does not load at start.
 */
export function firstUseMilliseconds(bundle: string, firstUse: string, spawns: number): Summary {
  const script =
    `await import(${JSON.stringify(bundle)}); const t = performance.now(); ${firstUse}; ` +
    'console.log(performance.now() - t);';
  return summarize(Array.from({ length: spawns }, () => Number(runFresh(script))));
}

/** The SDK-only baseline's clients: each one's import, and the statement that creates it. */
const BASELINE_CLIENTS: Record<'dynamodb' | 'sqs' | 'kms', [string, string]> = {
  dynamodb: [
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n" +
      "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    'export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
  ],
  sqs: ["import { SQSClient } from '@aws-sdk/client-sqs';", 'export const sqsClient = new SQSClient({});'],
  kms: ["import { KMSClient } from '@aws-sdk/client-kms';", 'export const kmsClient = new KMSClient({});'],
};

/**
 * A bundle that only imports and creates DynamoDB's client and the given ones (built with the functions' esbuild
 * options, in `work`, which must be inside this repository so that esbuild finds node_modules): what a function
 * would cost at cold start if the platform's own code cost nothing.
 */
export async function baselineBundle(
  work: string,
  name: string,
  clients: readonly Extract<SdkClient, 'sqs' | 'kms'>[],
): Promise<string> {
  const entry = join(work, `baseline-${name}.ts`);
  const parts = [BASELINE_CLIENTS.dynamodb, ...clients.map((client) => BASELINE_CLIENTS[client])];
  writeFileSync(
    entry,
    [
      ...parts.map(([imports]) => imports),
      ...parts.map(([, create]) => create),
      'export const handler = async () => 1;',
    ].join('\n'),
  );
  await build({ ...bundleOptions(name, work), entryPoints: [entry], entryNames: `baseline-${name}`, sourcemap: false });
  return join(work, `baseline-${name}.mjs`);
}
