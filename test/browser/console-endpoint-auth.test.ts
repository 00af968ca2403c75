import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../local/local-settings';
import { startReceiver, type Receiver } from '../../local/receiver';
import { launchChromium, newConsolePage, seriousAccessibilityViolations, type ConsolePage } from '../helpers/browser';
import { startMtlsReceiver, type MtlsReceiver } from '../helpers/mtls-receiver';
import { producer, waitFor } from '../helpers/pipeline';
import { makeTestCertificates, type TestCertificates } from '../helpers/test-certificates';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';
import { startTokenServer, type TokenServer } from '../helpers/token-server';

const CLIENT_SECRET = 'cs-console-9d2e7b-never-shown';
const PASSWORD = 'pw-console-5a1c3f-never-shown';

let platform: TestPlatform;
let browser: Browser;
let tokenServer: TokenServer;
let receiver: Receiver;
let mtls: MtlsReceiver;
let certificates: TestCertificates;
let tenant: { tenantId: string; key: string };
let session: ConsolePage;
let page: Page;

beforeAll(async () => {
  certificates = makeTestCertificates();
  [platform, browser, tokenServer] = await Promise.all([
    startTestPlatform({ BREAKER_FAILURE_THRESHOLD: '1000' }, { retryScheduleSeconds: [1, 1, 1] }),
    launchChromium(),
    startTokenServer(),
  ]);
  tokenServer.clients.set('platform', CLIENT_SECRET);
  // a gateway that takes a bearer token of the token server, or basic credentials, and nothing else
  receiver = await startReceiver({
    behaviour: {
      decide: (delivery) => {
        const authorization = String(delivery.headers.authorization ?? '');
        const bearer = authorization.match(/^Bearer (.+)$/)?.[1];
        const ok = bearer
          ? tokenServer.valid.has(bearer)
          : authorization === `Basic ${Buffer.from(`hooks:${PASSWORD}`).toString('base64')}`;
        return { status: ok ? 200 : 401 };
      },
    },
  });
  mtls = await startMtlsReceiver({ server: certificates.server, clientCa: certificates.clientCa });
  tenant = await platform.newTenant('console-auth');
  const { token } = await platform.apiKeys.createPortalToken(tenant.tenantId);
  session = await newConsolePage(browser);
  page = session.page;
  await page.goto(`${platform.apiUrl}/console#token=${token}`);
  await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
});
afterAll(async () => {
  await session?.context.close();
  await browser?.close();
  await Promise.all([receiver?.stop(), tokenServer?.stop(), mtls?.stop()]);
  await platform?.stop();
});

const webhookIdOf = (url: string) => /webhooks\/(webhook_[^/]+)$/.exec(url)![1]!;
const stored = async (webhookId: string) =>
  (await platform.request('GET', `/v2/webhooks/${webhookId}`, { key: tenant.key })).body;

/** Publishes an event and waits until the webhook's delivery of it is delivered. */
async function deliveredTo(webhookId: string): Promise<void> {
  const id = `evt_${randomUUID().replaceAll('-', '')}`;
  await producer(platform).publish({
    tenantId: tenant.tenantId,
    id,
    type: 'verification.completed',
    data: { verificationId: 'ver_console_auth' },
  });
  await waitFor(
    async () =>
      (await platform.request('GET', `/v2/webhooks/${webhookId}/deliveries/${id}`, { key: tenant.key })).body
        ?.status === 'delivered',
    { what: `delivery ${id} delivered`, timeoutMs: 20_000 },
  );
}

/** What a person or a script in the page could read: the DOM, the address, and the session's storage. */
async function expectNowhereInThePage(...secrets: string[]) {
  const visible = [
    await page.content(),
    page.url(),
    await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage })),
  ].join('\n');
  for (const secret of secrets) expect(visible).not.toContain(secret);
}

async function openNewWebhookForm() {
  await page.goto(`${platform.apiUrl}/console/webhooks/new`);
  await page.getByRole('heading', { level: 1, name: 'New webhook' }).waitFor();
  await page.getByRole('checkbox', { name: /verification\.completed/ }).check();
}

async function newWebhookForm(url: string) {
  await openNewWebhookForm();
  await page.getByLabel('Endpoint URL').fill(url);
}

async function editForm(webhookId: string) {
  await page.goto(`${platform.apiUrl}/console/webhooks/${webhookId}/edit`);
  await page.getByRole('heading', { level: 1, name: 'Edit webhook' }).waitFor();
}

describe('Console: endpoint auth, client certificates and AWS destinations', () => {
  let oauthWebhook: string;

  it('creates a webhook with OAuth2 client credentials that then delivers with a bearer token', async () => {
    // Prepare
    await newWebhookForm(`${receiver.url}/hooks`);
    await page.getByLabel('Authentication').selectOption('oauth2_client_credentials');
    await page.getByLabel('Token URL').fill(tokenServer.url);
    await page.getByLabel('Client ID').fill('platform');
    await page.getByLabel('Client secret').fill(CLIENT_SECRET);
    await page.getByLabel('Scope (optional)').fill('webhooks');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Act
    await page.getByRole('button', { name: 'Create webhook' }).click();

    // Assess
    await page.getByRole('heading', { level: 1, name: `${receiver.url}/hooks` }).waitFor();
    oauthWebhook = webhookIdOf(page.url());
    await page.getByText('OAuth2 client credentials, client platform').waitFor();
    expect((await stored(oauthWebhook)).auth).toEqual({
      type: 'oauth2_client_credentials',
      tokenUrl: tokenServer.url,
      clientId: 'platform',
      scope: 'webhooks',
      audience: null,
    });
    await expectNowhereInThePage(CLIENT_SECRET);
    await deliveredTo(oauthWebhook);
    expect(tokenServer.requests.length).toBeGreaterThanOrEqual(1);
  });

  it("never fills the stored secret into the edit form; shows the API's error by the secret field", async () => {
    // Prepare
    await editForm(oauthWebhook);
    const secret = page.getByLabel('Client secret');
    expect(await secret.inputValue()).toBe('');
    expect(await secret.getAttribute('type')).toBe('password');
    await expectNowhereInThePage(CLIENT_SECRET);

    // Act: a new token URL without the secret: the stored one is never sent to a host it was not given for
    await page.getByLabel('Token URL').fill(tokenServer.url.replace('/oauth/token', '/other/token'));
    await page.getByRole('button', { name: 'Save changes' }).click();

    // Assess
    await expect.poll(() => secret.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#auth-clientSecret-error').textContent()).toMatch(/required/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('edits the auth to basic, keeps the password when its field is left empty, and delivers with it', async () => {
    // Prepare
    await editForm(oauthWebhook);
    await page.getByLabel('Authentication').selectOption('basic');
    await page.getByLabel('Username').fill('hooks');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('basic, as hooks').waitFor();

    // Act: another change, the password field left empty
    await editForm(oauthWebhook);
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    await page.getByLabel('Description (optional)').fill('behind the gateway');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('dd', { hasText: 'behind the gateway' }).waitFor();

    // Assess
    expect((await stored(oauthWebhook)).auth).toEqual({ type: 'basic', username: 'hooks' });
    await expectNowhereInThePage(PASSWORD, CLIENT_SECRET);
    await deliveredTo(oauthWebhook);
  });

  it('adds a client certificate (shown by subject, expiry) the mTLS receiver accepts, then removes it', async () => {
    // Prepare
    const keyBody = certificates.client.privateKey.split('\n')[1]!;
    await newWebhookForm(mtls.url);
    await page.getByRole('radio', { name: 'Present a client certificate' }).check();
    await page.getByLabel('Client certificate (PEM)').fill(certificates.client.certificate);
    await page.getByLabel('Private key (PEM)').fill(certificates.client.privateKey);
    await page.getByLabel('Private CA certificate (PEM, optional)').fill(certificates.serverCa.certificate);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Act
    await page.getByRole('button', { name: 'Create webhook' }).click();

    // Assess: the page names the certificate and its expiry, never the key
    await page.getByRole('heading', { level: 1, name: mtls.url }).waitFor();
    const webhookId = webhookIdOf(page.url());
    await page.getByText(/client certificate CN=webhooks-platform, expires .*; private CA trusted/).waitFor();
    await expectNowhereInThePage(keyBody);
    await deliveredTo(webhookId);
    expect(mtls.deliveries.at(-1)?.clientSubject).toBe('webhooks-platform');

    // Act: remove it
    await editForm(webhookId);
    await expectNowhereInThePage(keyBody);
    await page.getByRole('radio', { name: /Remove it/ }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { level: 1, name: mtls.url }).waitFor();

    // Assess
    expect((await stored(webhookId)).tls).toBeNull();
    expect(await page.getByText('Mutual TLS').count()).toBe(0);
  });

  it('creates an SQS destination, showing the resource policy to paste with a copy button', async () => {
    // Prepare: the customer's queue, in fauxqs's account
    const sqs = new SQSClient(localClientConfig(process.env.AWS_ENDPOINT_URL_SQS!));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `console-${randomUUID().slice(0, 8)}` }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const queueArn = Attributes!.QueueArn!;
    await session.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openNewWebhookForm();
    await page.getByRole('radio', { name: /An AWS destination/ }).check();
    await page.getByLabel('Kind').selectOption('sqs');
    await page.getByLabel('Queue ARN').fill(queueArn);

    // Act
    await page.getByRole('button', { name: 'Show the resource policy' }).click();
    const policy = page.getByLabel('Resource policy');
    await policy.waitFor();
    await page.getByRole('button', { name: 'Copy policy' }).click();

    // Assess: the policy is this tenant's, and what was copied is what is shown
    const shown = JSON.parse((await policy.textContent())!);
    expect(shown.Statement[0]).toMatchObject({
      Action: 'sqs:SendMessage',
      Resource: queueArn,
      Condition: { StringEquals: { 'aws:PrincipalTag/tenantId': tenant.tenantId } },
    });
    await page.getByText('Copied the resource policy to the clipboard.').waitFor();
    expect(JSON.parse(await page.evaluate<string>('navigator.clipboard.readText()'))).toEqual(shown);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Act
    await page.getByRole('button', { name: 'Create webhook' }).click();

    // Assess
    await page.getByRole('heading', { level: 1, name: `SQS queue ${queueArn}` }).waitFor();
    const webhookId = webhookIdOf(page.url());
    expect(await stored(webhookId)).toMatchObject({ url: null, destination: { type: 'sqs', queueArn } });
    expect(session.problems).toEqual([]);
  });

  it("shows a refused ARN's message next to the ARN field", async () => {
    // Prepare
    await openNewWebhookForm();
    await page.getByRole('radio', { name: /An AWS destination/ }).check();
    await page.getByLabel('Kind').selectOption('sqs');
    await page.getByLabel('Queue ARN').fill('arn:aws:sns:us-east-1:000000000000:not-a-queue');

    // Act
    await page.getByRole('button', { name: 'Create webhook' }).click();

    // Assess
    const arn = page.getByLabel('Queue ARN');
    await expect.poll(() => arn.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#destination-arn-error').textContent()).not.toBe('');
  });
});
