import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { PRICES_USD } from './prices';
import { type Machine, resultsMarkdown } from './results-markdown';
import { settings } from './stats';

// `npm run bench`: every scenario in its own process, one after the other, so they never share the CPU.
const SCENARIOS = [
  'baseline',
  'deliver-stubbed',
  'deliver-emulators',
  'end-to-end',
  'cold-start',
  'outage-isolation',
  'ordered-isolation',
  'fan-out-filters',
  'sizing',
  'per-webhook-options',
  'memory-sizing',
  'deliver-cold-start',
  'sealed-keys-cold-start',
  'oauth2-token-cache',
] as const;
type Results = Record<(typeof SCENARIOS)[number], any>;

function runScenario(name: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    console.error(`running ${name}...`);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', new URL(`./scenarios/${name}.ts`, import.meta.url).pathname],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => {
      const line = output.split('\n').find((candidate) => candidate.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`${name} failed (exit ${code}):\n${output}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)));
    });
  });
}

const results = {} as Results;
for (const name of SCENARIOS) results[name] = await runScenario(name);

const machine: Machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  date: new Date().toISOString(),
};
writeFileSync(
  new URL('./results.json', import.meta.url),
  `${JSON.stringify({ machine, settings, prices: PRICES_USD, results }, null, 2)}\n`,
);

const markdown = resultsMarkdown(machine, results);
writeFileSync(new URL('./RESULTS.md', import.meta.url), markdown);
console.log(markdown);
