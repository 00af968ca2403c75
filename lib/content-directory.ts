import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** sha256 of every file's path and bytes below a directory, in a fixed order. */
function digestOf(directory: string, digest = createHash('sha256'), base = directory): ReturnType<typeof createHash> {
  for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) digestOf(path, digest, base);
    else digest.update(path.slice(base.length)).update(readFileSync(path));
  }
  return digest;
}

/**
 * An asset directory named after its content: written into a staging directory, then renamed into place, so
 * every synth of the same content (each infra test file runs one) shares one copy, and a concurrent synth sees
 * the whole directory or none.
 */
export function contentDirectory(prefix: string, write: (directory: string) => void): string {
  const staging = mkdtempSync(join(tmpdir(), `${prefix}staging-`));
  write(staging);
  const directory = join(tmpdir(), `${prefix}${digestOf(staging).digest('hex').slice(0, 20)}`);
  try {
    renameSync(staging, directory);
  } catch (error) {
    // the same content is there already (another synth, another test worker)
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(directory)) throw error;
  }
  return directory;
}
