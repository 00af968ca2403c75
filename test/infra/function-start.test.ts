import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleOptions } from '../../lib/function-code';

/**
 * The packages in what Node reads when it imports a function's bundle as `cdk synth` builds it: index.mjs and the
 * chunks it imports statically (code behind a dynamic import() is a chunk loaded on first use, left out).
 */
async function packagesAtStart(entry: string): Promise<Set<string>> {
  const { metafile } = await build({
    ...bundleOptions(entry, `/tmp/webhooks-function-start/${entry}`),
    metafile: true,
    write: false,
    sourcemap: false,
  });
  const index = Object.keys(metafile.outputs).find((path) => path.endsWith('index.mjs'))!;
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path)) return;
    loaded.add(path);
    for (const imported of metafile.outputs[path]!.imports)
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit(index);
  const packages = new Set<string>();
  for (const output of loaded)
    for (const input of Object.keys(metafile.outputs[output]!.inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      if (name) packages.add(name);
    }
  return packages;
}

// Cold start (issue 26 §6): what only some deployments or webhooks use is loaded when first used, not at start.
describe('what a function loads at start', () => {
  it("fan-out starts without the JSON Schema validator, which only a team's own catalog needs", async () => {
    const packages = await packagesAtStart('events/fan-out');
    expect(packages).toContain('@aws-sdk/client-sqs');
    expect([...packages].filter((name) => name === 'ajv' || name === 're2js')).toEqual([]);
  }, 120_000);

  it("the deliver lanes start without the AWS destinations' clients", async () => {
    for (const lane of ['events/deliver', 'events/deliver-slow-lane', 'events/deliver-ordered']) {
      const packages = await packagesAtStart(lane);
      expect(packages).toContain('@aws-sdk/client-dynamodb');
      expect(
        [...packages].filter((name) => /client-(sns|eventbridge|sts)$/.test(name)),
        lane,
      ).toEqual([]);
    }
  }, 120_000);
});
