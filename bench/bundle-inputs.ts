import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { bundleOptions } from '../lib/function-code';

// What a function's start-up code is made of: `npx tsx bench/bundle-inputs.ts api/test-webhook [module]` builds the
// entry as `cdk synth` does, with esbuild's metafile, and prints the bytes each package (or file of ours) puts in
// index.mjs and the chunks it imports statically; with a module (`zod`, `core/webhooks/webhook-schemas`), the chain
// of static imports that brings it in. Code behind a dynamic import() loads on first use and is left out.
const [entry, wanted] = process.argv.slice(2);
if (!entry) throw new Error('usage: tsx bench/bundle-inputs.ts <entry under lambdas/, e.g. api/test-webhook> [module]');
const outdir = join(process.cwd(), 'bench/.work-inputs');
const { metafile } = await build({ ...bundleOptions(entry, outdir), metafile: true, write: false, sourcemap: false });

/** The outputs loaded at start: the entry's and, transitively, those it imports statically. */
function loadedAtStart({ outputs }: Metafile): string[] {
  const index = Object.keys(outputs).find((path) => path.endsWith('index.mjs'))!;
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imported of outputs[path]!.imports)
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit(index);
  return [...seen];
}

const owner = (input: string) =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.replace(/^.*?lambdas\//, 'lambdas/');
const bytes = new Map<string, number>();
for (const output of loadedAtStart(metafile))
  for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[output]!.inputs))
    bytes.set(owner(input), (bytes.get(owner(input)) ?? 0) + bytesInOutput);
const total = [...bytes.values()].reduce((sum, value) => sum + value, 0);
console.log(`${entry}: ${(total / 1024).toFixed(0)} KB loaded at start`);
for (const [name, size] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(`${(size / 1024).toFixed(1).padStart(7)} KB  ${name}`);

if (wanted) {
  const start = Object.keys(metafile.inputs).find((input) => input.endsWith(`lambdas/${entry}.ts`))!;
  const via = new Map<string, string>([[start, '']]);
  const queue = [start];
  while (queue.length) {
    const input = queue.shift()!;
    for (const imported of metafile.inputs[input]?.imports ?? []) {
      if (imported.kind === 'dynamic-import' || via.has(imported.path)) continue;
      via.set(imported.path, input);
      queue.push(imported.path);
    }
  }
  const target = [...via.keys()].find((input) => input.includes(wanted));
  if (!target) console.log(`\n${wanted}: not loaded at start`);
  else {
    const chain: string[] = [];
    for (let input: string | undefined = target; input; input = via.get(input) || undefined) chain.unshift(input);
    console.log(`\n${wanted}, brought in by:\n  ${chain.join('\n  -> ')}`);
  }
}
