import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../lambdas/core/access/api-keys';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

const run = promisify(execFile);
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(() => platform.stop());

/** `npm run api-key -- ...`, pointed at this run's table with the CLI's own --endpoint and --table flags. */
const apiKeyCli = (...args: string[]) =>
  run(process.execPath, [
    '--import',
    'tsx',
    'local/api-key-cli.ts',
    ...args,
    '--endpoint',
    platform.dynamoEndpoint,
    '--table',
    platform.tableName,
  ]);

// each CLI call is a fresh Node process compiling TypeScript: seconds apiece on a busy two-core machine
describe('npm run api-key', { timeout: 60_000 }, () => {
  it('creates a key shown once on the last line, stored only as its hash, listed, then revoked', async () => {
    // Act
    const created = await apiKeyCli('create', '--tenant', 'acme', '--name', 'ci');

    // Assess: the key works against the API and is not stored in the clear
    const key = created.stdout.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^whk_[A-Za-z0-9_-]{43}$/);
    expect((await platform.request('GET', '/v2/webhooks', { key })).status).toBe(200);
    const listed = await apiKeyCli('list');
    expect(listed.stdout).toContain(hashApiKey(key));
    expect(listed.stdout).toContain('acme');
    expect(listed.stdout).not.toContain(key);

    // Act: revoke by hash
    await apiKeyCli('revoke', '--hash', hashApiKey(key));

    // Assess
    expect((await platform.request('GET', '/v2/webhooks', { key })).status).toBe(401);
    expect((await apiKeyCli('list')).stdout).toMatch(new RegExp(`${hashApiKey(key)}  acme  revoked`));
  });

  it('refuses a bad tenant id or a missing flag with a message and exit code 2', async () => {
    await expect(apiKeyCli('create', '--tenant', 'no spaces please')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Invalid tenant'),
    });
    await expect(apiKeyCli('create')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--tenant') });
    await expect(apiKeyCli('revoke', '--hash', 'f'.repeat(64))).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('No API key'),
    });
  });
});
