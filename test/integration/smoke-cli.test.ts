import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../local/receiver';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

const run = promisify(execFile);
let platform: TestPlatform;
let receiver: Receiver;

beforeAll(async () => {
  platform = await startTestPlatform();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.stop();
  await platform.stop();
});

/** `npm run smoke -- ...` against this run's local stack, as against a deployed ApiUrl. */
const smoke = (key: string, receiverUrl: string, timeoutSeconds = 20) =>
  run(process.execPath, [
    '--import',
    'tsx',
    'local/smoke-cli.ts',
    '--api-url',
    platform.apiUrl,
    '--key',
    key,
    '--receiver',
    receiverUrl,
    '--timeout',
    String(timeoutSeconds),
  ]).then(
    (done) => ({ code: 0, stdout: done.stdout }),
    (failed: { code: number; stdout: string }) => ({ code: failed.code, stdout: failed.stdout }),
  );

describe('npm run smoke', { timeout: 60_000 }, () => {
  it('creates a webhook, delivers a test event to the receiver, prints each step, and cleans up', async () => {
    const tenant = await platform.newTenant('smoke');

    const { code, stdout } = await smoke(tenant.key, `${receiver.url}/smoke`);

    expect(code).toBe(0);
    expect(stdout).toMatch(/ok {3}POST \/v2\/webhooks: HTTP 201/);
    expect(stdout).toMatch(/attempt at .*: HTTP 200 in \d+ ms/);
    expect(stdout).toMatch(/ok {3}delivery delivered/);
    expect(stdout.trim().split('\n').at(-1)).toBe('SMOKE TEST PASSED');
    expect(receiver.deliveries.filter((delivery) => delivery.path === '/smoke')).toHaveLength(1);
    expect((await platform.request('GET', '/v2/webhooks', { key: tenant.key })).body.data).toEqual([]);
  });

  it('fails, and still cleans up, when the receiver does not take the delivery', async () => {
    const tenant = await platform.newTenant('smoke');
    receiver.behaviour = { failRate: 1, status: 500 };

    const { code, stdout } = await smoke(tenant.key, `${receiver.url}/failing`, 6);
    receiver.behaviour = {};

    expect(code).toBe(1);
    expect(stdout.trim().split('\n').at(-1)).toBe('SMOKE TEST FAILED');
    expect((await platform.request('GET', '/v2/webhooks', { key: tenant.key })).body.data).toEqual([]);
  });
});
