import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newConsolePage } from '../helpers/browser';
import { waitFor } from '../helpers/pipeline';
import { usePlatform } from '../helpers/platform-fixture';

// endpoint verification on, two challenges a second apart: a silent endpoint's run has failed within seconds
const local = usePlatform({ ENDPOINT_VERIFICATION: 'handshake', VERIFICATION_RETRY_SECONDS: '1' });
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe('Console: endpoint verification', () => {
  it("shows a failed verification with the endpoint's last answer, and Verify again verifies it", async () => {
    // Prepare: an endpoint that answers no challenge, until it is fixed
    const { platform } = local;
    const tenant = await platform.newTenant('console-verify');
    const receiver = await local.receiver({ answers: 'none' });
    const { id } = await local.webhookAt(receiver, tenant.key);
    const stateOf = async () =>
      (await platform.request('GET', `/v2/webhooks/${id}`, { key: tenant.key })).body.verification.state;
    await waitFor(async () => (await stateOf()) === 'failed', { what: 'the failed run' });
    const { page, problems, context } = await newConsolePage(browser);
    const { token } = await platform.apiKeys.createPortalToken(tenant.tenantId);

    // Act
    await page.goto(`${platform.apiUrl}/console#token=${token}`);
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await page.goto(`${platform.apiUrl}/console/webhooks/${id}`);
    await page.getByText('endpoint verification failed', { exact: true }).waitFor();
    await page.getByText('POST answered 200 without echoing the challenge').waitFor();
    receiver.behaviour.answers = 'both';
    await page.getByRole('button', { name: 'Verify again' }).click();

    // Assess: the new run is pending at once, then verified
    await page.getByText('endpoint not verified yet', { exact: true }).waitFor();
    await waitFor(async () => (await stateOf()) === 'verified', { what: 'the second run' });
    await page.reload();
    await page.getByText('endpoint verified', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Verify again' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
