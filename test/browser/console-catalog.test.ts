import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newConsolePage, seriousAccessibilityViolations } from '../helpers/browser';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

const ORDER_PAID = {
  name: 'order.paid',
  description: 'An order was paid in full',
  example: { orderId: 'o_1', amount: 1200 },
  schema: { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } },
};

/** A file of its own: the catalog is read once per process (EVENT_CATALOG_FILE), as on Lambda. */
describe("Console: a team's event catalog", () => {
  const directory = mkdtempSync(join(tmpdir(), 'webhooks-console-catalog-'));
  let platform: TestPlatform;
  let browser: Browser;

  beforeAll(async () => {
    writeFileSync(join(directory, 'catalog.json'), JSON.stringify([ORDER_PAID]));
    [platform, browser] = await Promise.all([
      startTestPlatform({ EVENT_CATALOG_FILE: join(directory, 'catalog.json') }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it("offers the team's types in the webhook form, each with its example and JSON Schema", async () => {
    // Prepare
    const tenant = await platform.newTenant('catalog');
    const { page, context, problems } = await newConsolePage(browser);
    await page.goto(`${platform.apiUrl}/console`);
    await page.getByLabel('API key').fill(tenant.key);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Act
    await page.getByRole('link', { name: 'New webhook' }).click();
    await page.getByText('Example and schema').click();

    // Assess
    await page.getByRole('checkbox', { name: /order\.paid/ }).waitFor();
    expect(await page.getByRole('checkbox', { name: /verification\.completed/ }).count()).toBe(0);
    expect(JSON.parse((await page.getByLabel('JSON Schema of order.paid').textContent())!)).toEqual(ORDER_PAID.schema);
    expect(JSON.parse((await page.getByLabel('Example data of order.paid').textContent())!)).toEqual(
      ORDER_PAID.example,
    );
    expect(await page.getByRole('checkbox', { name: /order\.paid/ }).isChecked()).toBe(false);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
