import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openApiYaml } from '../../lambdas/api/openapi/document';
import { OPERATIONS } from '../../lambdas/api/openapi/operations';
import { ROUTES } from '../../lambdas/api/routes';
import { generateClient } from '../../client/generate';

const DESCRIPTION = new URL('../../docs/openapi.yaml', import.meta.url);
const ADMIN_DESCRIPTION = new URL('../../docs/openapi-admin.yaml', import.meta.url);
const REDOCLY = new URL('../../node_modules/.bin/redocly', import.meta.url).pathname;

describe('docs/openapi.yaml', () => {
  it('is what `npm run openapi` generates from the route table and the schemas (run it after changing either)', () => {
    expect(readFileSync(DESCRIPTION, 'utf8')).toBe(openApiYaml());
  });

  it('has its typed client in step: client/webhooks-api.ts is what the generator makes of it (npm run ' +
    'openapi)', async () => {
    expect(readFileSync(new URL('../../client/webhooks-api.ts', import.meta.url), 'utf8')).toBe(
      await generateClient(DESCRIPTION.pathname),
    );
  }, 30_000);

  it('has an admin description and client in step too: docs/openapi-admin.yaml, client/admin-api.ts', async () => {
    expect(readFileSync(ADMIN_DESCRIPTION, 'utf8')).toBe(openApiYaml('admin'));
    expect(readFileSync(new URL('../../client/admin-api.ts', import.meta.url), 'utf8')).toBe(
      await generateClient(ADMIN_DESCRIPTION.pathname, 'AdminApi'),
    );
  }, 30_000);

  it('describes every route of the route table, and nothing else', () => {
    expect(Object.keys(OPERATIONS).sort()).toEqual(ROUTES.map((route) => route.name).sort());
  });

  it.each([
    ['the tenant', DESCRIPTION],
    ['the admin', ADMIN_DESCRIPTION],
  ])(
    '%s description passes redocly lint (recommended rules) with no problem',
    async (_surface, file) => {
      const { stdout, stderr } = await promisify(execFile)(REDOCLY, ['lint', file.pathname, '--format=stylish'], {
        timeout: 60_000,
      });
      expect(`${stdout}${stderr}`).toContain('Your API description is valid');
      expect(`${stdout}${stderr}`).not.toMatch(/warning/i);
    },
    60_000,
  );
});
