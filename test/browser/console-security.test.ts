import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoApiKeyRepository } from '../../lambdas/adapters/api-key-repository';
import { hashApiKey } from '../../lambdas/core/access/api-keys';
import { ApiKeyService } from '../../lambdas/core/access/api-key-service';
import { startReceiver, type Receiver } from '../../local/receiver';
import { launchChromium, newConsolePage } from '../helpers/browser';
import { producer, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

const MARKUP = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>';

let platform: TestPlatform;
let browser: Browser;
let receiver: Receiver;

beforeAll(async () => {
  [platform, browser, receiver] = await Promise.all([
    startTestPlatform({}, { retryScheduleSeconds: [3600] }),
    launchChromium(),
    startReceiver(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await receiver?.stop();
  await platform?.stop();
});

const consoleUrl = () => `${platform.apiUrl}/console`;

describe('Console: what it is served with', () => {
  it('sends a strict Content-Security-Policy, nosniff and no framing, on the page and its assets', async () => {
    // Act
    const page = await fetch(`${consoleUrl()}/webhooks/anything`);
    const html = await page.text();
    const script = /src="(assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${consoleUrl()}/${script}`);

    // Assess
    for (const response of [page, asset]) {
      const csp = response.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).not.toMatch(/<script>|<style>|\sstyle=|\son\w+=/i);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${consoleUrl()}/assets/app-NOSUCHFILE.js`)).status).toBe(404);
  });

  it('makes the browser refuse inline script, and the tests see the refusal', async () => {
    // Prepare
    const { page, context, problems } = await newConsolePage(browser);
    await page.goto(consoleUrl());
    await page.getByLabel('API key').waitFor();

    // Act: what an injection would try
    await page.evaluate(
      "const script = document.createElement('script'); script.textContent = 'window.__inline = 1'; " +
        'document.body.append(script)',
    );

    // Assess
    await expect.poll(() => problems).toEqual([expect.stringMatching(/^CSP script-src/)]);
    expect(await page.evaluate('window.__inline')).toBeUndefined();
    await context.close();
  });
});

describe('Console: credentials', () => {
  it('an expired portal link shows the sign-in page, not data, and forgets the token', async () => {
    // Prepare: a webhook the link would show, and a link minted two hours ago for one hour
    const { tenantId, key } = await platform.newTenant('expired');
    await platform.request('POST', '/v2/webhooks', {
      key,
      body: { url: 'https://example.com/secret-endpoint', events: ['document.uploaded'] },
    });
    const twoHoursAgo = () => new Date(Date.now() - 2 * 3_600_000);
    const { token } = await new ApiKeyService(
      new DynamoApiKeyRepository(platform.documentClient, platform.tableName),
      twoHoursAgo,
    ).createPortalToken(tenantId, 3600);
    const { page, context } = await newConsolePage(browser);

    // Act
    await page.goto(`${consoleUrl()}#token=${token}`);

    // Assess
    await page.getByText('no longer valid').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in to the webhooks console');
    expect(await page.content()).not.toContain('secret-endpoint');
    expect(page.url()).toBe(consoleUrl());
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await context.close();
  });

  it('a link revoked while the console is open: the next request lands on the sign-in page', async () => {
    // Prepare
    const { tenantId } = await platform.newTenant('revoked');
    const { token } = await platform.apiKeys.createPortalToken(tenantId);
    const { page, context } = await newConsolePage(browser);
    await page.goto(`${consoleUrl()}#token=${token}`);
    await page.getByText('No webhooks yet').waitFor();

    // Act
    await platform.apiKeys.revoke(hashApiKey(token));
    await page.getByRole('link', { name: 'Events' }).click();

    // Assess
    await page.getByText('no longer valid').waitFor();
    await context.close();
  });
});

describe('Console: what receivers and users wrote is text, never markup', () => {
  it('a receiver answering with HTML and a description with markup execute nothing, and show as written', async () => {
    // Prepare
    const { tenantId, key } = await platform.newTenant('xss');
    receiver.behaviour.decide = () => ({ status: 500, headers: { 'content-type': 'text/html' }, body: MARKUP });
    const created = await platform.request('POST', '/v2/webhooks', {
      key,
      body: { url: `${receiver.url}/hooks`, events: ['verification.completed'], description: MARKUP },
    });
    const webhookId = created.body.id;
    await producer(platform).publish({ tenantId, type: 'verification.completed', data: { note: MARKUP } });
    const delivery = await waitFor(
      async () =>
        (await platform.request('GET', `/v2/webhooks/${webhookId}/deliveries`, { key })).body.data?.find(
          (item: { attemptCount: number }) => item.attemptCount > 0,
        ),
      { what: 'the failed delivery' },
    );
    const { token } = await platform.apiKeys.createPortalToken(tenantId);
    const { page, context, problems } = await newConsolePage(browser);

    // Act: every page that shows what the receiver or the user wrote
    await page.goto(`${consoleUrl()}#token=${token}`);
    await page.getByText(MARKUP).first().waitFor();
    await page.goto(`${consoleUrl()}/webhooks/${webhookId}`);
    await page.getByRole('row', { name: /verification\.completed/ }).waitFor();
    await page.goto(`${consoleUrl()}/webhooks/${webhookId}/deliveries/${delivery.eventId}`);
    const answer = page.getByLabel('Response body of attempt 1');
    await answer.waitFor();
    expect(await answer.textContent()).toBe(MARKUP);
    await page.goto(`${consoleUrl()}/events/${delivery.eventId}`);
    await page.getByLabel('Event body').waitFor();

    // Assess
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.getByLabel('Event body').textContent()).toContain(JSON.stringify(MARKUP).slice(1, -1));
    expect(await page.locator('img').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
