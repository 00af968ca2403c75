import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * A static `import … from "./x.mjs"` or `export … from` (a dynamic `import("./x.mjs")` has a parenthesis
 * instead).
 */
const STATIC_IMPORT = /(?:import|export)\s*(?:[^"'`;()]*?from\s*)?["'](\.{1,2}\/[^"']+\.mjs)["']/g;

/**
 * The files Node reads when it imports a bundle: its index.mjs and the chunks that imports statically, transitively.
 * Chunks behind a dynamic `import()` (an AWS destination's adapter) are left out: they load on first use.
 */
export function filesLoadedAtStart(bundle: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, relative] of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT))
      visit(resolve(dirname(file), relative!));
  };
  visit(bundle);
  return [...seen];
}

export function bytesLoadedAtStart(bundle: string): number {
  return filesLoadedAtStart(bundle).reduce((sum, file) => sum + statSync(file).size, 0);
}

/** How each SDK client's code shows in a bundle: the protocol name its requests carry (minifying keeps strings). */
const CLIENT_MARKERS = {
  sqs: 'AmazonSQS',
  kms: 'TrentService',
  sns: 'AmazonSimpleNotificationService',
  eventbridge: 'AWSEvents',
  sts: 'AWSSecurityTokenServiceV20110615',
} as const;
export type SdkClient = keyof typeof CLIENT_MARKERS;

/** The SDK clients (beside DynamoDB's) whose code a bundle loads at start. */
export function clientsLoadedAtStart(bundle: string): SdkClient[] {
  const code = filesLoadedAtStart(bundle)
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  return (Object.keys(CLIENT_MARKERS) as SdkClient[]).filter((client) => code.includes(CLIENT_MARKERS[client]));
}
