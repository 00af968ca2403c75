import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoApiKeyRepository } from '../../lambdas/adapters/api-key-repository';
import { hashApiKey } from '../../lambdas/core/access/api-keys';
import { ApiKeyService } from '../../lambdas/core/access/api-key-service';
import { keys } from '../../lambdas/adapters/table-keys';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

const run = promisify(execFile);
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(() => platform.stop());

/** `npm run portal-link -- ...`, pointed at this run's table. */
const portalLinkCli = (...args: string[]) =>
  run(process.execPath, [
    '--import',
    'tsx',
    'local/portal-link-cli.ts',
    ...args,
    '--endpoint',
    platform.dynamoEndpoint,
    '--table',
    platform.tableName,
  ]);

const tokenOf = (link: string) => new URL(link).hash.replace(/^#token=/, '');

// each CLI call is a fresh Node process compiling TypeScript: seconds apiece on a busy two-core machine
describe('npm run portal-link', { timeout: 60_000 }, () => {
  it("prints a console link whose token lists that tenant's webhooks only, stored as a hash with a TTL", async () => {
    // Prepare
    const acme = await platform.newTenant('acme');
    const other = await platform.newTenant('other');
    const body = { url: 'https://example.com/hooks', events: ['document.uploaded'] };
    const acmeHook = await platform.request('POST', '/v2/webhooks', { key: acme.key, body });
    await platform.request('POST', '/v2/webhooks', { key: other.key, body });

    // Act
    const { stdout } = await portalLinkCli(
      '--tenant',
      acme.tenantId,
      '--ttl',
      '600',
      '--console-url',
      'https://console.example.com/prod/console',
    );

    // Assess: the link, then the token's powers
    const link = stdout.trim().split('\n').at(-1)!;
    expect(link).toMatch(/^https:\/\/console\.example\.com\/prod\/console#token=whp_[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(link);
    const listed = await platform.request('GET', '/v2/webhooks', { key: token });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((webhook: { id: string }) => webhook.id)).toEqual([acmeHook.body.id]);

    const { Item } = await platform.documentClient.send(
      new GetCommand({
        TableName: platform.tableName,
        Key: { pk: keys.apiKey(hashApiKey(token)), sk: keys.apiKeySort },
      }),
    );
    expect(Item).toMatchObject({ tenantId: acme.tenantId, kind: 'portal-token' });
    expect(Item!.expiresAt).toBeGreaterThan(Date.now() / 1000 + 590);
    expect(Item!.expiresAt).toBeLessThanOrEqual(Date.now() / 1000 + 600);
    expect(JSON.stringify(Item)).not.toContain(token);
  });

  it('an expired token gets 401 even though TTL has not deleted its item yet', async () => {
    // Prepare: minted two hours ago, for one hour
    const { tenantId } = await platform.newTenant('acme');
    const twoHoursAgo = () => new Date(Date.now() - 2 * 3600 * 1000);
    const pastService = new ApiKeyService(
      new DynamoApiKeyRepository(platform.documentClient, platform.tableName),
      twoHoursAgo,
    );
    const { token } = await pastService.createPortalToken(tenantId, 3600);

    // Act
    const response = await platform.request('GET', '/v2/webhooks', { key: token });

    // Assess
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthorized');
    expect(await platform.apiKeys.exists(token)).toBe(true);
  });

  it('a revoked token gets 401', async () => {
    // Prepare
    const { tenantId } = await platform.newTenant('acme');
    const { stdout } = await portalLinkCli('--tenant', tenantId);
    const link = stdout.trim().split('\n').at(-1)!;
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/console#token=/);
    const token = tokenOf(link);
    expect((await platform.request('GET', '/v2/webhooks', { key: token })).status).toBe(200);

    // Act
    await run(process.execPath, [
      '--import',
      'tsx',
      'local/api-key-cli.ts',
      'revoke',
      '--key',
      token,
      '--endpoint',
      platform.dynamoEndpoint,
      '--table',
      platform.tableName,
    ]);

    // Assess
    expect((await platform.request('GET', '/v2/webhooks', { key: token })).status).toBe(401);
  });

  it(
    'refuses a lifetime over 24 hours, a missing tenant, and a deployed table without its console URL, with exit ' +
      'code 2',
    async () => {
      await expect(
        portalLinkCli('--tenant', 'acme', '--ttl', '86401', '--console-url', 'https://c.example.com'),
      ).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining('24 hours'),
      });
      await expect(portalLinkCli('--console-url', 'https://c.example.com')).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining('--tenant'),
      });
      const deployedWithoutConsole = run(process.execPath, [
        '--import',
        'tsx',
        'local/portal-link-cli.ts',
        '--tenant',
        'acme',
        '--table',
        'webhooks-prod',
      ]);
      await expect(deployedWithoutConsole).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining('--console-url'),
      });
    },
  );
});
