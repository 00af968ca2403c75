import { randomUUID } from 'node:crypto';
import { connect } from 'node:tls';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../lambdas/adapters/table-keys';
import { startReceiver, type Receiver } from '../../local/receiver';
import { startMtlsReceiver, type MtlsReceiver } from '../helpers/mtls-receiver';
import { producer, waitFor } from '../helpers/pipeline';
import { makeTestCertificates, type TestCertificates } from '../helpers/test-certificates';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';
import { startTokenServer, type TokenServer } from '../helpers/token-server';

let platform: TestPlatform;
let sqs: ReturnType<typeof producer>;
let tokenServer: TokenServer;
let receiver: Receiver;
let mtls: MtlsReceiver;
let certificates: TestCertificates;

const CLIENT_SECRET = 'cs-7f3a9e-never-shown';
const PASSWORD = 'pw-41c2d8-never-shown';

beforeAll(async () => {
  certificates = makeTestCertificates();
  platform = await startTestPlatform({ BREAKER_FAILURE_THRESHOLD: '1000' }, { retryScheduleSeconds: [1, 1, 1, 1] });
  sqs = producer(platform);
  tokenServer = await startTokenServer();
  tokenServer.clients.set('platform', CLIENT_SECRET);
  // a gateway that takes a bearer token of the token server, or basic credentials
  receiver = await startReceiver({
    behaviour: {
      decide: (delivery) => {
        if (delivery.path !== '/hooks') return { status: 200 }; // the operational events' webhook needs no auth
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
});
afterAll(async () => {
  await Promise.all([receiver?.stop(), tokenServer?.stop(), mtls?.stop()]);
  await platform?.stop();
});

async function createWebhook(body: Record<string, unknown>) {
  const tenant = await platform.newTenant('auth');
  const created = await platform.request('POST', '/v2/webhooks', {
    key: tenant.key,
    body: { url: `${receiver.url}/hooks`, events: ['verification.completed'], ...body },
  });
  expect(created.status).toBe(201);
  const publish = async () => {
    const id = `evt_${randomUUID().replaceAll('-', '')}`;
    await sqs.publish({ tenantId: tenant.tenantId, id, type: 'verification.completed', data: { verificationId: 'v' } });
    return id;
  };
  const delivery = (eventId: string) =>
    platform.request('GET', `/v2/webhooks/${created.body.id}/deliveries/${eventId}`, { key: tenant.key });
  const settled = (eventId: string, status = 'delivered') =>
    waitFor(
      async () => {
        const answer = await delivery(eventId);
        return answer.body?.status === status && answer.body;
      },
      { what: `delivery ${eventId} ${status}`, timeoutMs: 20_000 },
    );
  return { tenant, webhook: created.body, publish, delivery, settled };
}

const oauth2 = (overrides: Record<string, unknown> = {}) => ({
  type: 'oauth2_client_credentials',
  tokenUrl: tokenServer.url,
  clientId: 'platform',
  clientSecret: CLIENT_SECRET,
  scope: 'webhooks',
  ...overrides,
});

async function rawItem(tenantId: string, webhookId: string) {
  const { Item } = await platform.documentClient.send(
    new GetCommand({ TableName: platform.tableName, Key: { pk: keys.tenant(tenantId), sk: keys.webhook(webhookId) } }),
  );
  return JSON.stringify(Item);
}

describe('OAuth2 client credentials', () => {
  it('delivers with one token for the token lifetime, fetched with client_secret_basic', async () => {
    const before = tokenServer.requests.length;
    const { publish, settled } = await createWebhook({ auth: oauth2() });

    const events = [await publish(), await publish(), await publish()];
    for (const id of events) await settled(id);

    const requests = tokenServer.requests.slice(before);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from(`platform:${CLIENT_SECRET}`).toString('base64')}`,
    );
    expect(Object.fromEntries(requests[0]!.form)).toEqual({ grant_type: 'client_credentials', scope: 'webhooks' });
    const tokens = new Set(
      receiver.deliveries.filter((d) => events.includes(d.eventId)).map((d) => d.headers.authorization),
    );
    expect(tokens).toEqual(new Set([`Bearer token-${before + 1}`]));
  });

  it('fetches a new token once when the endpoint answers 401, in the same attempt', async () => {
    const { publish, settled } = await createWebhook({ auth: oauth2() });
    await settled(await publish());
    const before = tokenServer.requests.length;
    tokenServer.valid.clear(); // the gateway forgets every token

    const record = await settled(await publish());

    expect(tokenServer.requests.length).toBe(before + 1);
    expect(record.attemptCount).toBe(1);
  });

  it('turns a token endpoint outage into failed attempts with the reason, then delivers once it is back', async () => {
    const { publish, settled, delivery } = await createWebhook({ auth: oauth2() });
    tokenServer.downWith = 503;
    const id = await publish();
    try {
      await waitFor(async () => (await delivery(id)).body?.attempts?.length >= 1, { what: 'a failed attempt' });
    } finally {
      tokenServer.downWith = undefined;
    }

    const record = await settled(id);

    expect(record.attempts[0]).toMatchObject({ error: 'token_endpoint: HTTP 503' });
    expect(record.attempts.at(-1)).toMatchObject({ statusCode: 200 });
  });

  it('names invalid_client when the client secret is wrong', async () => {
    const { tenant, webhook, publish, delivery } = await createWebhook({
      auth: oauth2({ clientSecret: 'wrong-secret' }),
    });
    const id = await publish();

    const answer = await waitFor(async () => {
      const body = (await delivery(id)).body;
      return body?.attempts?.length >= 1 && body;
    });
    // its retries would ask the token server while the next test counts what it is asked
    await platform.request('DELETE', `/v2/webhooks/${webhook.id}`, { key: tenant.key });

    expect(answer.attempts[0]).toMatchObject({ error: 'token_endpoint: invalid_client' });
    expect(JSON.stringify(answer)).not.toContain('wrong-secret');
  });

  it('fetches anew after the auth changes (new credentials, new token)', async () => {
    const { tenant, webhook, publish, settled } = await createWebhook({ auth: oauth2() });
    await settled(await publish());
    tokenServer.clients.set('platform-2', 'second-secret');
    const before = tokenServer.requests.length;

    const updated = await platform.request('PUT', `/v2/webhooks/${webhook.id}`, {
      key: tenant.key,
      body: { auth: oauth2({ clientId: 'platform-2', clientSecret: 'second-secret' }) },
    });
    const id = await publish();
    await settled(id);

    expect(updated.body.auth.clientId).toBe('platform-2');
    const wrongSecret = `Basic ${Buffer.from('platform:wrong-secret').toString('base64')}`;
    const asked = tokenServer.requests.slice(before).map((r) => r.headers.authorization);
    // an attempt of the previous test's webhook may have been in flight when it was deleted
    expect(asked.filter((authorization) => authorization !== wrongSecret)).toEqual([
      `Basic ${Buffer.from('platform-2:second-secret').toString('base64')}`,
    ]);
  });
});

describe('Basic auth', () => {
  it('sends the credentials on every delivery', async () => {
    const { publish, settled } = await createWebhook({
      auth: { type: 'basic', username: 'hooks', password: PASSWORD },
    });
    const id = await publish();
    await settled(id);
    expect(receiver.deliveries.find((d) => d.eventId === id)!.headers.authorization).toBe(
      `Basic ${Buffer.from(`hooks:${PASSWORD}`).toString('base64')}`,
    );
  });
});

describe('Secrets are write-only', () => {
  it('never returns them (create, get, list, update) and the table holds them sealed', async () => {
    const { tenant, webhook } = await createWebhook({
      auth: oauth2(),
      tls: { clientCertificate: certificates.client.certificate, privateKey: certificates.client.privateKey },
    });
    const keyLine = certificates.client.privateKey.split('\n')[1]!;
    const basic = await createWebhook({ auth: { type: 'basic', username: 'hooks', password: PASSWORD } });

    const answers = [
      webhook,
      (await platform.request('GET', `/v2/webhooks/${webhook.id}`, { key: tenant.key })).body,
      (await platform.request('GET', '/v2/webhooks', { key: tenant.key })).body,
      basic.webhook,
      (await platform.request('GET', '/v2/webhooks', { key: basic.tenant.key })).body,
    ];
    const stored = [await rawItem(tenant.tenantId, webhook.id), await rawItem(basic.tenant.tenantId, basic.webhook.id)];

    for (const text of [...answers.map((answer) => JSON.stringify(answer)), ...stored]) {
      for (const secret of [CLIENT_SECRET, PASSWORD, keyLine, 'PRIVATE KEY']) expect(text).not.toContain(secret);
    }
    expect(webhook.auth).toEqual({
      type: 'oauth2_client_credentials',
      tokenUrl: tokenServer.url,
      clientId: 'platform',
      scope: 'webhooks',
      audience: null,
    });
    expect(webhook.tls).toMatchObject({ certificateSubject: 'CN=webhooks-platform', caCertificate: false });
    expect(stored[0]).toMatch(/"sealedClientSecret":"v1:/);
  });

  it('keeps the shared token sealed in its item', async () => {
    const { tenant, webhook, publish, settled } = await createWebhook({ auth: oauth2() });
    await settled(await publish());
    const { Item } = await platform.documentClient.send(
      new GetCommand({
        TableName: platform.tableName,
        Key: { pk: keys.tenant(tenant.tenantId), sk: keys.oauth2Token(webhook.id) },
      }),
    );
    expect(Item!.sealedToken).toMatch(/^v1:/);
    expect(JSON.stringify(Item)).not.toMatch(/token-\d/);
  });
});

describe('Mutual TLS', () => {
  const tlsWith = (client = certificates.client) => ({
    clientCertificate: client.certificate,
    privateKey: client.privateKey,
    caCertificate: certificates.serverCa.certificate,
  });

  it("presents the webhook's client certificate to a receiver that requires one, trusting its private CA", async () => {
    const { publish, settled } = await createWebhook({ url: mtls.url, tls: tlsWith() });
    const id = await publish();
    await settled(id);
    expect(mtls.deliveries.find((d) => d.body.includes(id))?.clientSubject).toBe('webhooks-platform');
  });

  it('is refused without a client certificate (the private CA alone)', async () => {
    const { publish, delivery } = await createWebhook({
      url: mtls.url,
      tls: { caCertificate: certificates.serverCa.certificate },
    });
    const id = await publish();
    const answer = await waitFor(async () => {
      const body = (await delivery(id)).body;
      return body?.attempts?.length >= 1 && body;
    });
    expect(answer.status).not.toBe('delivered');
    expect(answer.attempts[0].statusCode).toBeUndefined();
    // and the receiver really requires it: a bare TLS client is refused too
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port: Number(new URL(mtls.url).port),
        ca: certificates.serverCa.certificate,
      });
      socket.once('secureConnect', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      socket.once('data', () => resolve(false));
      socket.once('error', () => resolve(true));
      socket.once('close', () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it('fails against a server certificate of an unknown CA when no caCertificate is given', async () => {
    const { publish, delivery } = await createWebhook({
      url: mtls.url,
      tls: { clientCertificate: certificates.client.certificate, privateKey: certificates.client.privateKey },
    });
    const id = await publish();
    const answer = await waitFor(async () => {
      const body = (await delivery(id)).body;
      return body?.attempts?.length >= 1 && body;
    });
    expect(answer.attempts[0].error).toMatch(/network_error|certificate/i);
  });

  it('announces a certificate 14 days from expiry once, by the daily job, to an idle webhook', async () => {
    // Prepare: a webhook that subscribes to the notice, and one whose certificate expires in 10 days and gets no event
    const tenant = await platform.newTenant('expiring');
    const watcher = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: `${receiver.url}/ops`, events: ['webhook.certificate_expiring'] },
    });
    receiver.secrets.push(watcher.body.secret);
    const expiring = await platform.request('POST', '/v2/webhooks', {
      key: tenant.key,
      body: { url: mtls.url, events: ['verification.completed'], tls: tlsWith(certificates.expiringClient) },
    });
    const noticesOf = () =>
      receiver.deliveries.filter(
        (d) => d.eventType === 'webhook.certificate_expiring' && d.body.includes(expiring.body.id),
      );

    // Act: the day's run, twice (the rule's run and a repeated one)
    await platform.announceCertificates();
    await platform.announceCertificates();

    // Assess
    const notice = await waitFor(() => noticesOf()[0]);
    expect(JSON.parse(notice.body).data).toEqual({
      webhookId: expiring.body.id,
      certificateSubject: 'CN=expiring-soon',
      certificateExpiresAt: expiring.body.tls.certificateExpiresAt,
      withinDays: 14,
    });
    // the second run found the notice claimed (test/integration/certificate-notices.test.ts shows the claim)
    expect(noticesOf()).toHaveLength(1);
  });
});
