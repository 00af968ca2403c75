import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from '../../lib/function-code';
import { bytesLoadedAtStart } from '../bundle-files';
import { baselineBundle, firstUseMilliseconds, importMillisecondsInTurn, SPAWNS } from '../bundle-import';
import { report } from '../stats';

// Scenario 11 (issue 23's bench): the three deliver lanes built as `cdk synth` builds them (lib/function-code.ts:
// the AWS destinations' adapters and their SNS, EventBridge and STS clients in chunks behind a dynamic import), next
// to the SDK-only baseline the deliver lanes have always been measured against (DynamoDB's and SQS's clients) and
// to the fast lane with every AWS kind imported at start (what the lazy chunks spare it). Then what the first
// attempt of each AWS kind pays for loading its chunk, once per container.
const LANES = ['events/deliver', 'events/deliver-slow-lane', 'events/deliver-ordered'] as const;
const AWS_KINDS = ['sqs', 'sns', 'eventbridge'] as const;
const work = join(process.cwd(), 'bench/.work-deliver');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

async function bundle(entry: string, outdir: string, entryPoint?: string): Promise<string> {
  const options = bundleOptions(entry, outdir);
  await build({ ...options, ...(entryPoint ? { entryPoints: [entryPoint] } : {}) });
  return join(outdir, 'index.mjs');
}

const lanes = await Promise.all(LANES.map((lane) => bundle(lane, join(work, lane))));
const eagerEntry = join(work, 'deliver-eager.ts');
writeFileSync(
  eagerEntry,
  [
    ...AWS_KINDS.map((kind) => `import '../../lambdas/adapters/destinations/${kind}-destination';`),
    "export { handler } from '../../lambdas/events/deliver';",
  ].join('\n'),
);
const eager = await bundle('events/deliver', join(work, 'eager'), eagerEntry);
const baseline = await baselineBundle(work, 'deliver', ['sqs']);

const bundles = [...lanes, eager, baseline];
const times = importMillisecondsInTurn(bundles, SPAWNS);
const baselineInit = times.at(-1)!;
const rows = bundles.map((file, index) => ({
  bundle: [...LANES, 'events/deliver with every AWS kind at start', 'baseline: DynamoDB + SQS clients'][index]!,
  bytes: bytesLoadedAtStart(file),
  initMs: times[index]!.wall,
  initRatio: times[index]!.wall.median / baselineInit.wall.median,
  initCpuMs: times[index]!.cpu,
  initCpuRatio: times[index]!.cpu.median / baselineInit.cpu.median,
}));

const chunks = readdirSync(join(work, 'events/deliver/chunks'));
const firstAttempt = AWS_KINDS.map((kind) => {
  const chunk = chunks.find((name) => name.startsWith(`${kind}-destination-`));
  if (!chunk) throw new Error(`no chunk for the ${kind} destination: is it still behind a dynamic import?`);
  const path = join(work, 'events/deliver/chunks', chunk);
  return { kind, loadMs: firstUseMilliseconds(lanes[0]!, `await import(${JSON.stringify(path)})`, SPAWNS) };
});
rmSync(work, { recursive: true, force: true });
report({ lanes: rows, firstAttempt, spawnsPerFigure: SPAWNS });
