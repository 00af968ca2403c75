import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newConsolePage, PHONE, seriousAccessibilityViolations } from '../helpers/browser';
import { usePlatform } from '../helpers/platform-fixture';

const local = usePlatform();
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe("Console: a webhook's public key", () => {
  it.each([
    ['desktop', undefined],
    ['phone', PHONE],
  ])(
    'shows the ed25519 public key with a Copy button that puts it on the clipboard (%s, axe clean)',
    async (_, viewport) => {
      // Prepare: a webhook with an ed25519 key, and a browser allowed to use the clipboard
      const { platform } = local;
      const tenant = await platform.newTenant('console-key');
      const { body: webhook } = await platform.request('POST', '/v2/webhooks', {
        key: tenant.key,
        body: { url: 'https://example.com/hooks', events: ['verification.completed'], signing: { ed25519: true } },
      });
      const { page, problems, context } = await newConsolePage(browser, viewport);
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: platform.apiUrl });
      const { token } = await platform.apiKeys.createPortalToken(tenant.tenantId);
      await page.goto(`${platform.apiUrl}/console#token=${token}`);
      await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
      await page.goto(`${platform.apiUrl}/console/webhooks/${webhook.id}`);
      await page.getByText(webhook.publicKey, { exact: true }).waitFor();

      // Act
      await page.getByRole('button', { name: 'Copy the public key' }).click();

      // Assess
      await page.getByText('Copied the public key to the clipboard.').waitFor();
      expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(webhook.publicKey);
      expect(webhook.publicKey).toMatch(/^whpk_/);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      if (viewport)
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
      expect(problems).toEqual([]);
      await context.close();
    },
  );

  it('shows no key and no copy button for a webhook without one', async () => {
    const { platform } = local;
    const tenant = await platform.newTenant('console-key');
    const { body: webhook } = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: 'https://example.com/hooks', events: ['verification.completed'] },
    });
    const { page, context } = await newConsolePage(browser);
    const { token } = await platform.apiKeys.createPortalToken(tenant.tenantId);
    await page.goto(`${platform.apiUrl}/console#token=${token}`);
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await page.goto(`${platform.apiUrl}/console/webhooks/${webhook.id}`);
    await page.getByRole('heading', { level: 2, name: 'Signing secret' }).waitFor();

    expect(await page.getByText('Public key (ed25519)').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Copy the public key' }).count()).toBe(0);
    await context.close();
  });
});
