import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const INDEX = join(tmpdir(), 'webhooks-function-index');

interface IndexEntry {
  directory: string;
  /** Every file esbuild read for the bundle (absolute path) and the sha256 of its bytes then. */
  inputs: Record<string, string>;
}

/** The sha256 of a file's bytes, or `absent`. */
export const fileDigest = (path: string): string =>
  existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'absent';

function unchanged(inputs: Record<string, string>): boolean {
  return Object.entries(inputs).every(([path, digest]) => fileDigest(path) === digest);
}

/**
 * A bundle built by an earlier process (another synth, another test file) when every file it was built from still
 * has the same bytes, else a new one from `build`. `key` names what is built and how (entry and esbuild options); the
 * inputs are esbuild's own list of what it read, so an edit anywhere in the bundle's import graph, node_modules
 * included, rebuilds it.
 */
export function cachedBundle(key: string, build: () => { directory: string; inputs: string[] }): string {
  const indexFile = join(INDEX, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
  if (existsSync(indexFile)) {
    const known = JSON.parse(readFileSync(indexFile, 'utf8')) as IndexEntry;
    if (existsSync(known.directory) && unchanged(known.inputs)) return known.directory;
  }
  const { directory, inputs } = build();
  const entry: IndexEntry = { directory, inputs: Object.fromEntries(inputs.map((path) => [path, fileDigest(path)])) };
  mkdirSync(INDEX, { recursive: true });
  // written aside and renamed: a concurrent reader sees the old index or the new one, never half of it
  const staging = `${indexFile}.${process.pid}`;
  writeFileSync(staging, JSON.stringify(entry));
  renameSync(staging, indexFile);
  return directory;
}
