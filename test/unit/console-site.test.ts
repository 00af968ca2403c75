import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, writeConsole } from '../../lib/console-bundle';
import { consoleResponse, type ConsoleSite } from '../../lambdas/console/console-site';

const site: ConsoleSite = {
  indexHtml: '<base href="%BASE_HREF%"><script type="module" src="assets/app-ABC.js"></script>',
  assets: new Map([['assets/app-ABC.js', { contentType: 'text/javascript; charset=utf-8', body: 'console.log(1)' }]]),
};

describe('Function: consoleResponse', () => {
  it('answers every app path with the index page, based where the console is served, never cached', () => {
    // Act
    const deep = consoleResponse(site, 'webhooks/webhook_1/deliveries/evt_1', '/prod/console/');
    const root = consoleResponse(site, '', '/console/');

    // Assess
    expect(deep).toMatchObject({
      statusCode: 200,
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' },
    });
    expect(deep.body).toContain('<base href="/prod/console/">');
    expect(root.body).toContain('<base href="/console/">');
  });

  it('serves a hashed asset for a year and a missing one as 404, both with the security headers', () => {
    // Act
    const asset = consoleResponse(site, 'assets/app-ABC.js', '/console/');
    const missing = consoleResponse(site, 'assets/app-OLD.js', '/console/');

    // Assess
    expect(asset).toMatchObject({
      statusCode: 200,
      body: 'console.log(1)',
      headers: { 'Cache-Control': 'public, max-age=31536000, immutable' },
    });
    expect(missing.statusCode).toBe(404);
    for (const response of [asset, missing]) {
      expect(response.headers['Content-Security-Policy']).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
      expect(response.headers['X-Content-Type-Options']).toBe('nosniff');
    }
  });

  it('escapes the base path, so a strange stage name cannot break out of the attribute', () => {
    expect(consoleResponse(site, '', '/a"><script>x</script>/console/').body).toContain(
      '<base href="/a&quot;>&lt;script>x&lt;/script>/console/">',
    );
  });
});

describe('Handler: serve-console', () => {
  const directory = mkdtempSync(join(tmpdir(), 'console-files-'));
  let handler: (
    event: APIGatewayProxyEvent,
  ) => Promise<{ statusCode: number; body: string; headers?: Record<string, unknown> }>;

  beforeAll(async () => {
    // Prepare: the files as the stack's layer holds them
    writeConsole(buildConsole(), directory);
    process.env.CONSOLE_ASSETS_DIR = directory;
    ({ handler } = await import('../../lambdas/console/serve-console'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const event = (stagePath: string, path: string, proxy?: string) =>
    ({
      path,
      pathParameters: proxy ? { proxy } : null,
      requestContext: { path: stagePath },
    }) as unknown as APIGatewayProxyEvent;

  it("bases the page on the stage's path, and serves the built assets it names", async () => {
    // Act
    const page = await handler(
      event('/prod/console/webhooks/webhook_1', '/console/webhooks/webhook_1', 'webhooks/webhook_1'),
    );
    const script = /src="(assets\/[^"]+\.js)"/.exec(page.body)![1]!;
    const asset = await handler(event(`/prod/console/${script}`, `/console/${script}`, script));

    // Assess
    expect(page.body).toContain('<base href="/prod/console/" />');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers?.['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(asset.body.length).toBeGreaterThan(10_000);
  });

  it('serves the page at /console itself, where API Gateway passes no proxy parameter', async () => {
    const page = await handler(event('/prod/console', '/console'));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<base href="/prod/console/" />');
  });
});
