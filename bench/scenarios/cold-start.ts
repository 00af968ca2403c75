import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ESM_REQUIRE_BANNER } from '../../lib/function-code';
import { BUNDLE_ENVIRONMENT, importMilliseconds } from '../bundle-import';
import { report } from '../stats';

// Scenario 6: every function bundle exactly as `cdk synth` builds it: its size, and how long a fresh Node 24
// process takes to import it (module initialisation), next to a bundle that only imports and creates the
// SDK clients that function uses.
const SPAWNS = 20;
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

async function baselineBundle(name: string, usesSqs: boolean): Promise<string> {
  const entry = join(work, `baseline-${name}.ts`);
  writeFileSync(
    entry,
    [
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
      usesSqs ? "import { SQSClient } from '@aws-sdk/client-sqs';" : '',
      'export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
      usesSqs ? 'export const sqsClient = new SQSClient({});' : '',
      'export const handler = async () => ({ documentClient });',
    ].join('\n'),
  );
  const outfile = join(work, `baseline-${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    logLevel: 'error',
  });
  return outfile;
}

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
  const usesSqs = /FanOut|Deliver/.test(name);
  const baseline = await baselineBundle(name, usesSqs);
  const init = importMilliseconds(bundle, SPAWNS);
  const baselineInit = importMilliseconds(baseline, SPAWNS);
  rows.push({
    function: name,
    bytes: statSync(bundle).size,
    baselineBytes: statSync(baseline).size,
    initMs: init,
    baselineInitMs: baselineInit,
    initRatio: init.median / baselineInit.median,
  });
}
report({ functions: rows, skipped, spawnsPerFigure: SPAWNS });
