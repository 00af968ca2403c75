import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_DATA_DIR } from './local-settings';

/**
 * The key that stands in for KMS on this machine: `SECRETS_LOCAL_KEY` when set, else `.local/secrets.key`, made
 * once (mode 600, in the git-ignored data directory) so secrets sealed in a kept table still open after a restart.
 */
export function localSecretsKey(dataDirectory = LOCAL_DATA_DIR): string {
  if (process.env.SECRETS_LOCAL_KEY) return process.env.SECRETS_LOCAL_KEY;
  const file = join(dataDirectory, 'secrets.key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDirectory, { recursive: true });
  const key = randomBytes(32).toString('base64');
  // 'wx': another process that made it first wins, and its key is the one read back
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}
