import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bytesLoadedAtStart, clientsLoadedAtStart } from '../bundle-files';
import {
  BUNDLE_ENVIRONMENT,
  baselineBundle,
  type ImportTimes,
  importMillisecondsInTurn,
  SPAWNS,
} from '../bundle-import';
import { report } from '../stats';

// Scenario 6: every function bundle exactly as `cdk synth` builds it: what it loads at start (index.mjs and the
// chunks it imports statically), and how long a fresh Node 24 process takes to import it (module initialisation),
// next to a bundle that only imports and creates DynamoDB's client, and SQS's where the function's start-up code
// holds it (read from the bundle: the name of the function said it wrongly for TestWebhook, which sends to a queue).
const work = join(process.cwd(), 'bench/.work');
const cdkOut = join(work, 'cdk.out');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
execFileSync('npx', ['cdk', 'synth', '--quiet', '-o', cdkOut], { stdio: 'ignore' });

const template = JSON.parse(readFileSync(join(cdkOut, 'Webhooks.template.json'), 'utf8')) as {
  Resources: Record<
    string,
    { Type: string; Properties: { Code?: { S3Key?: string }; Handler?: string }; Metadata?: Record<string, string> }
  >;
};
const functions = Object.entries(template.Resources)
  .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function' && resource.Metadata?.['aws:asset:path'])
  .map(([logicalId, resource]) => ({
    name: logicalId.replace(/[A-F0-9]{8}$/, ''),
    bundle: join(cdkOut, resource.Metadata!['aws:asset:path']!, 'index.mjs'),
  }));

const rows = [];
const skipped: { function: string; reason: string }[] = [];
for (const { name, bundle } of functions) {
  // a function that reads files only Lambda has (the console's assets) cannot be imported here; any other that
  // fails to import is a broken bundle or an environment this scenario lacks, and stops the bench
  const probe = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(bundle)});`], {
    env: BUNDLE_ENVIRONMENT,
    encoding: 'utf8',
  });
  if (probe.status !== 0) {
    const reason =
      probe.stderr
        .split('\n')
        .find((line) => /Error/.test(line))
        ?.slice(0, 200) ?? 'import failed';
    if (!/Console/.test(name)) throw new Error(`${name} does not start: ${reason}`);
    skipped.push({ function: name, reason });
    continue;
  }
  const baseline = await baselineBundle(
    work,
    name,
    clientsLoadedAtStart(bundle).filter((client) => client === 'sqs'),
  );
  const [init, baselineInit] = importMillisecondsInTurn([bundle, baseline], SPAWNS) as [ImportTimes, ImportTimes];
  rows.push({
    function: name,
    bytes: bytesLoadedAtStart(bundle),
    baselineBytes: bytesLoadedAtStart(baseline),
    initMs: init.wall,
    baselineInitMs: baselineInit.wall,
    initRatio: init.wall.median / baselineInit.wall.median,
    initCpuMs: init.cpu,
    baselineInitCpuMs: baselineInit.cpu,
    initCpuRatio: init.cpu.median / baselineInit.cpu.median,
  });
}
report({ functions: rows, skipped, spawnsPerFigure: SPAWNS });
