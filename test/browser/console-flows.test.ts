import type { Browser, Page } from 'playwright-core';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/api/routes';
import { startReceiver, type Receiver } from '../../local/receiver';
import { launchChromium, newConsolePage, type ConsolePage } from '../helpers/browser';
import { producer, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

let platform: TestPlatform;
let browser: Browser;
let receiver: Receiver;
let tenant: { tenantId: string; key: string };
/** The receiver answers 500 while this is true: it "fails, then recovers". */
let receiverDown = true;

beforeAll(async () => {
  // one retry, a second later: a delivery to a receiver that is down is failed (exhausted) within seconds
  [platform, browser, receiver] = await Promise.all([
    startTestPlatform({}, { retryScheduleSeconds: [1] }),
    launchChromium(),
    startReceiver(),
  ]);
  receiver.behaviour.decide = () =>
    receiverDown ? { status: 500, body: 'database unavailable, try later' } : { status: 200 };
  tenant = await platform.newTenant('console');
});
afterAll(async () => {
  await browser?.close();
  await receiver?.stop();
  await platform?.stop();
});

const consoleUrl = () => `${platform.apiUrl}/console`;

/**
 * A step that needs an API route which is still being built: it runs as soon as the route is in the route
 * table, and until then is listed as a todo that names the route it waits for.
 */
function stepNeeding(route: string): (name: string, step: () => Promise<void>) => void {
  const landed = ROUTES.some(({ method, path }) => `${method} ${path}` === route);
  return landed ? (name, step) => it(name, step) : (name) => it.todo(`${name} [waits for ${route}]`);
}

describe('Console: signing in', () => {
  it(
    'opens from a portal link: the token leaves the address bar for sessionStorage (never localStorage) and the ' +
      'webhooks show',
    async () => {
      // Prepare
      const { token } = await platform.apiKeys.createPortalToken(tenant.tenantId);
      const { page, context, problems } = await newConsolePage(browser);

      // Act
      await page.goto(`${consoleUrl()}#token=${token}`);

      // Assess
      await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
      expect(page.url()).toBe(consoleUrl());
      expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([token]);
      expect(await page.evaluate(() => localStorage.length)).toBe(0);
      expect(problems).toEqual([]);
      await context.close();
    },
  );

  it('signs in with a pasted API key, and signs out', async () => {
    // Prepare
    const { page, context } = await newConsolePage(browser);
    await page.goto(consoleUrl());

    // Act: a wrong key first, then the right one
    await page.getByLabel('API key').fill('whk_not_a_real_key_at_all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That API key was refused').waitFor();
    await page.getByLabel('API key').fill(tenant.key);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Assess
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the webhooks console' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await context.close();
  });
});

describe('Console: a webhook from creation to deletion', () => {
  let session: ConsolePage;
  let page: Page;
  let webhookId: string;
  let eventId: string;

  beforeAll(async () => {
    const { token } = await platform.apiKeys.createPortalToken(tenant.tenantId);
    session = await newConsolePage(browser);
    page = session.page;
    await page.goto(`${consoleUrl()}#token=${token}`);
  });
  afterAll(() => session.context.close());

  it("shows the API's error next to the field it names", async () => {
    // Prepare
    await page.getByRole('link', { name: 'New webhook' }).click();
    await page.getByLabel('Endpoint URL').fill('ftp://example.com/hooks');
    await page.getByRole('checkbox', { name: /verification\.completed/ }).check();

    // Act
    await page.getByRole('button', { name: 'Create webhook' }).click();

    // Assess: the message sits under the URL field and is tied to it
    const url = page.getByLabel('Endpoint URL');
    await expect.poll(() => url.getAttribute('aria-invalid'), { timeout: 10_000 }).toBe('true');
    const errorId = (await url.getAttribute('aria-describedby'))!.split(' ').find((id) => id.endsWith('-error'))!;
    expect(await page.locator(`#${errorId}`).textContent()).toMatch(/http/i);
  });

  it('creates a webhook pointing at a receiver', async () => {
    // Act
    await page.getByLabel('Endpoint URL').fill(`${receiver.url}/hooks`);
    await page.getByLabel('Description (optional)').fill('orders service');
    await page.getByLabel('Custom headers (optional)').fill('X-Api-Key: gateway-123\nX-Team: orders');
    await page.getByLabel('Deliveries per second at most (optional)').fill('50');
    await page.getByRole('button', { name: 'Create webhook' }).click();

    // Assess
    await page.getByRole('heading', { level: 1, name: `${receiver.url}/hooks` }).waitFor();
    webhookId = /webhooks\/(webhook_[^/]+)$/.exec(page.url())![1]!;
    const stored = await platform.request('GET', `/v2/webhooks/${webhookId}`, { key: tenant.key });
    expect(stored.body).toMatchObject({
      url: `${receiver.url}/hooks`,
      events: ['verification.completed'],
      description: 'orders service',
      active: true,
      headers: { 'X-Api-Key': 'gateway-123', 'X-Team': 'orders' },
      throttleRate: 50,
      ordering: 'none',
    });
    await page.getByText('as they come').waitFor();
    await page.getByText('50 deliveries per second at most').waitFor();
    await page.getByText('X-Api-Key, X-Team').click();
    await page.getByText('X-Api-Key: gateway-123').waitFor();
    expect(page.url()).not.toContain('gateway-123');
    expect(stored.body).not.toHaveProperty('secret');
  });

  it('reveals the new secret once, right after create; the receiver verifies later deliveries with it', async () => {
    // Act
    await page.getByRole('button', { name: 'Reveal' }).click();
    const shown = (await page.locator('#secret-value').textContent())!;
    await page.reload();

    // Assess: from now on the receiver refuses a delivery this secret does not verify
    expect(shown).toMatch(/^whsec_/);
    receiver.secrets.push(shown);
    await page.getByText('shown only once, when the webhook is created or its secret rotated').waitFor();
    expect(await page.getByRole('button', { name: 'Reveal' }).count()).toBe(0);
  });

  it('shows a failed attempt with what the receiver answered, in the log and in the delivery', async () => {
    // Prepare: a producer publishes an event while the receiver is down
    const { MessageId } = await producer(platform).publish({
      tenantId: tenant.tenantId,
      type: 'verification.completed',
      data: { verificationId: 'ver_console' },
    });
    expect(MessageId).toBeDefined();

    // Act: the log refreshes itself
    const row = page.getByRole('row', { name: /verification\.completed/ });
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);

    // Assess
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('500');
    await row.getByRole('link').click();
    await page.getByRole('heading', { name: 'Attempt 1' }).waitFor();
    expect(await page.getByLabel('Response body of attempt 1').textContent()).toBe('database unavailable, try later');
    eventId = /deliveries\/([^/]+)$/.exec(page.url())![1]!;
    expect(await page.getByLabel('Payload as sent').textContent()).toContain('ver_console');
  });

  stepNeeding('POST /v2/webhooks/{webhookId}/deliveries/{eventId}/retry')(
    'retries the failed delivery once the receiver is back, and shows it delivered',
    async () => {
      // Prepare: the page follows the pending delivery until its scheduled attempts are spent
      await page.getByText('failed', { exact: true }).first().waitFor({ timeout: 20_000 });
      receiverDown = false;

      // Act
      await page.getByRole('button', { name: 'Retry now' }).click();

      // Assess: the page watches for the new attempt
      const manual = page.getByRole('heading', { name: /Attempt 3 \(manual\)/ });
      await manual.waitFor({ timeout: 20_000 });
      await page.getByText('delivered', { exact: true }).first().waitFor();
      expect(
        receiver.deliveries
          .filter((delivery) => delivery.eventId === eventId)
          .map((delivery) => delivery.answeredStatus),
      ).toEqual([500, 500, 200]);
    },
  );

  stepNeeding('POST /v2/webhooks/{webhookId}/recover')(
    'recovers every failure since a time: the receiver gets it again',
    async () => {
      // Prepare: another event fails on every attempt while the receiver is down
      receiverDown = true;
      await producer(platform).publish({
        tenantId: tenant.tenantId,
        type: 'verification.completed',
        data: { verificationId: 'ver_recover' },
      });
      const failed = await waitFor(
        async () =>
          (
            await platform.request('GET', `/v2/webhooks/${webhookId}/deliveries?status=failed`, { key: tenant.key })
          ).body.data?.find((delivery: { eventId: string }) => delivery.eventId !== eventId),
        { timeoutMs: 20_000, what: 'the second delivery to fail' },
      );
      receiverDown = false;
      await page.goto(`${consoleUrl()}/webhooks/${webhookId}`);
      const anHourAgo = await page.evaluate(() => {
        const date = new Date(Date.now() - 3_600_000 - new Date().getTimezoneOffset() * 60_000);
        return date.toISOString().slice(0, 16);
      });

      // Act
      await page.getByLabel('Resend everything that failed since').fill(anHourAgo);
      await page.getByRole('button', { name: 'Recover' }).click();

      // Assess
      await page.getByText(/Recovery \S+ queued/).waitFor();
      await expect
        .poll(
          () =>
            receiver.deliveries.some(
              (delivery) => delivery.eventId === failed.eventId && delivery.answeredStatus === 200,
            ),
          { timeout: 20_000 },
        )
        .toBe(true);
    },
  );

  stepNeeding('POST /v2/webhooks/{webhookId}/test')(
    'sends a test event that arrives at the receiver and shows in the log',
    async () => {
      // Prepare
      receiverDown = false;
      await page.goto(`${consoleUrl()}/webhooks/${webhookId}`);

      // Act
      await page.getByLabel('Type of the test event').selectOption('verification.completed');
      await page.getByRole('button', { name: 'Send test event' }).click();

      // Assess
      const sent = page.getByRole('status').filter({ hasText: 'Test event sent' });
      await sent.waitFor();
      const testEventId = (await sent.getByRole('link').textContent())!;
      await expect
        .poll(() => receiver.deliveries.find((delivery) => delivery.eventId === testEventId)?.eventType, {
          timeout: 20_000,
        })
        .toBe('verification.completed');
      await page.getByText(testEventId).waitFor({ timeout: 15_000 });
    },
  );

  it('rotates the secret with a grace period: the new secret is shown, and is the one the API holds', async () => {
    // Prepare
    const before = receiver.secrets[0]!;
    await page.goto(`${consoleUrl()}/webhooks/${webhookId}`);

    // Act
    await page.getByLabel('Keep the old secret signing for').selectOption({ label: '1 hour' });
    await page.getByRole('button', { name: 'Rotate secret' }).click();

    // Assess
    await page.getByText('Secret rotated').waitFor();
    const shown = (await page.locator('#secret-value').textContent())!;
    expect(shown).toMatch(/^whsec_/);
    expect(shown).not.toBe(before);
    // the API shows a secret only once: the next delivery, checked with the shown secret alone, says it signs
    const { body: sent } = await platform.request('POST', `/v2/webhooks/${webhookId}/test`, {
      key: tenant.key,
      body: {},
    });
    const delivery = await waitFor(() => receiver.deliveries.find((each) => each.eventId === sent.eventId), {
      what: 'the test delivery after the rotation',
    });
    const header = (name: string) => String(delivery.headers[name]);
    expect(() =>
      new StandardWebhook(shown).verify(delivery.body, {
        'webhook-id': header('webhook-id'),
        'webhook-timestamp': header('webhook-timestamp'),
        'webhook-signature': header('webhook-signature'),
      }),
    ).not.toThrow();
  });

  it('pauses and resumes', async () => {
    // Act / Assess
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('paused', { exact: true }).waitFor();
    expect((await platform.request('GET', `/v2/webhooks/${webhookId}`, { key: tenant.key })).body.active).toBe(false);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByText('active', { exact: true }).waitFor();
  });

  it('turns ordered delivery on from the edit page', async () => {
    // Act
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Deliver in order').check();
    await page.getByRole('button', { name: 'Save changes' }).click();

    // Assess
    await page.getByText('in order (each after the one before it)').waitFor();
    expect((await platform.request('GET', `/v2/webhooks/${webhookId}`, { key: tenant.key })).body.ordering).toBe(
      'fifo',
    );
  });

  it('shows the ed25519 public key once the webhook has one', async () => {
    // Prepare
    const { body } = await platform.request('PUT', `/v2/webhooks/${webhookId}`, {
      key: tenant.key,
      body: { signing: { ed25519: true } },
    });

    // Act
    await page.reload();

    // Assess
    await page.getByText('Public key (ed25519)').waitFor();
    await page.getByText(body.publicKey).waitFor();
  });

  it('deletes the webhook after asking, and the list no longer has it', async () => {
    // Act: cancel first, then confirm
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect((await platform.request('GET', `/v2/webhooks/${webhookId}`, { key: tenant.key })).status).toBe(200);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete webhook' }).click();

    // Assess
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await page.getByText('No webhooks yet').waitFor();
    expect((await platform.request('GET', `/v2/webhooks/${webhookId}`, { key: tenant.key })).status).toBe(404);
    expect(session.problems).toEqual([]);
  });
});
