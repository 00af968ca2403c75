import { randomUUID } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOCAL_ADMIN_CREDENTIAL } from '../../local/sigv4-verifier';
import { signedRequest } from '../helpers/admin-requests';
import { startTestPlatform, type ApiResponse, type TestPlatform } from '../helpers/test-platform';

/**
 * The operator plane on the local stack (docs/design.md §16), every call signed with the AWS SDK's own SigV4 signer,
 * as the team's backend signs them; and every way an unsigned or badly signed call, or a tenant's credential, is
 * refused.
 */
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(() => platform.stop());

const webhookBody = (events = ['verification.completed']) => ({ url: 'https://example.com/hooks', events });

/** A request signed with SigV4 for execute-api, by @smithy/signature-v4, sent with fetch. */
const signed = (method: string, path: string, options?: Parameters<typeof signedRequest>[3]) =>
  signedRequest(platform.apiUrl, method, path, options);

function expectError(response: ApiResponse, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.body.error).toMatchObject({ code, message: expect.any(String), requestId: expect.any(String) });
}

const newTenantId = (prefix = 'acme') => `${prefix}-${randomUUID().slice(0, 8)}`;

describe('/admin authentication (SigV4, checked by the local gateway as API Gateway checks it)', () => {
  it('answers a call signed with the local admin credential', async () => {
    // Act
    const response = await signed('GET', '/admin/tenants?limit=5');

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ data: expect.any(Array), hasMore: expect.any(Boolean) });
  });

  it('refuses with 403 (error shape) an unsigned call, a wrong access key, a bad signature, a stale date', async () => {
    // Act
    const unsigned = await platform.request('GET', '/admin/tenants');
    const wrongKey = await signed('GET', '/admin/tenants', {
      credential: { ...DEFAULT_LOCAL_ADMIN_CREDENTIAL, accessKeyId: 'SOMEONEELSE' },
    });
    const badSignature = await signed('GET', '/admin/tenants', {
      credential: { ...DEFAULT_LOCAL_ADMIN_CREDENTIAL, secretAccessKey: 'not-the-secret' },
    });
    const stale = await signed('GET', '/admin/tenants', { signingDate: new Date(Date.now() - 16 * 60_000) });

    // Assess
    for (const response of [unsigned, wrongKey, badSignature, stale]) expectError(response, 403, 'forbidden');
  });

  it('refuses a signature made for another body (the canonical request covers it)', async () => {
    // Prepare
    const tenantId = newTenantId();
    const url = new URL(`${platform.apiUrl}/admin/tenants/${tenantId}`);
    const signer = new SignatureV4({
      credentials: DEFAULT_LOCAL_ADMIN_CREDENTIAL,
      region: 'us-east-1',
      service: 'execute-api',
      sha256: Hash.bind(null, 'sha256'),
    });
    const request = await signer.sign(
      new HttpRequest({
        method: 'PUT',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        headers: { host: url.host, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'signed' }),
      }),
    );
    const { host: _host, ...headers } = request.headers;

    // Act
    const response = await fetch(url, { method: 'PUT', headers, body: JSON.stringify({ name: 'tampered' }) });

    // Assess
    expect(response.status).toBe(403);
    expect((await signed('GET', `/admin/tenants/${tenantId}`)).status).toBe(404);
  });

  it('never lets a tenant API key or portal token into admin routes or the admin mount of tenant routes', async () => {
    // Prepare
    const { tenantId, key } = await platform.newTenant();
    const { token } = await platform.apiKeys.createPortalToken(tenantId);

    // Act
    const responses = await Promise.all(
      [key, token].flatMap((credential) => [
        platform.request('GET', '/admin/tenants', { key: credential }),
        platform.request('GET', `/admin/tenants/${tenantId}`, { key: credential }),
        platform.request('GET', `/admin/tenants/${tenantId}/v2/webhooks`, { key: credential }),
      ]),
    );

    // Assess
    for (const response of responses) expectError(response, 403, 'forbidden');
  });
});

describe('Tenants and their settings', () => {
  it('creates a tenant (201), updates it (200), lists it and shows its detail', async () => {
    // Prepare
    const tenantId = newTenantId();

    // Act
    const created = await signed('PUT', `/admin/tenants/${tenantId}`, {
      body: { name: 'Acme', settings: { maxWebhooks: 2 } },
    });
    const updated = await signed('PUT', `/admin/tenants/${tenantId}`, { body: { name: 'Acme Inc.' } });
    const detail = await signed('GET', `/admin/tenants/${tenantId}`);
    const pages: any[] = [];
    let cursor: string | null = null;
    do {
      const page = await signed('GET', `/admin/tenants?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor);

    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: tenantId, name: 'Acme', settings: { maxWebhooks: 2 } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: tenantId, name: 'Acme Inc.', settings: { maxWebhooks: 2 } });
    expect(detail.body).toMatchObject({
      id: tenantId,
      implicit: false,
      webhookCount: 0,
      deliveriesLast24h: { counts: { pending: 0, delivered: 0, failed: 0, skipped: 0 }, complete: true },
    });
    expect(pages.map((tenant) => tenant.id)).toContain(tenantId);
  });

  it('refuses an invalid tenant id (400), an invalid setting (400) and answers 404 for an unknown tenant', async () => {
    // Act
    const badId = await signed('PUT', `/admin/tenants/${'x'.repeat(65)}`, { body: {} });
    const badIdCharacters = await signed('GET', '/admin/tenants/-acme');
    const badSetting = await signed('PUT', `/admin/tenants/${newTenantId()}`, {
      body: { settings: { maxWebhooks: 0, allowedEventTypes: ['no.such_type'] } },
    });
    const unknownField = await signed('PUT', `/admin/tenants/${newTenantId()}`, {
      body: { settings: { maxHooks: 1 } },
    });
    const unknown = await signed('GET', `/admin/tenants/${newTenantId('nobody')}`);

    // Assess
    expectError(badId, 400, 'validation_error');
    expectError(badIdCharacters, 400, 'validation_error');
    expectError(badSetting, 400, 'validation_error');
    expect(badSetting.body.error.details.map((detail: { path: string }) => detail.path)).toEqual(
      expect.arrayContaining(['settings.maxWebhooks', 'settings.allowedEventTypes.0']),
    );
    expectError(unknownField, 400, 'validation_error');
    expectError(unknown, 404, 'not_found');
  });

  it('treats a tenant with keys but no tenant item as one with the default settings', async () => {
    // Prepare
    const { tenantId, key } = await platform.newTenant('implicit');
    await platform.request('POST', '/v2/webhooks', { key, body: webhookBody() });

    // Act
    const detail = await signed('GET', `/admin/tenants/${tenantId}`);

    // Assess
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: tenantId, implicit: true, settings: {}, webhookCount: 1 });
  });

  it('binds maxWebhooks from the next request after the answer, for the admin mount and the tenant alike', async () => {
    // Prepare
    const tenantId = newTenantId();
    await signed('PUT', `/admin/tenants/${tenantId}`, { body: { settings: { maxWebhooks: 2 } } });
    const { key } = await platform.apiKeys.create(tenantId, 'test');

    // Act
    const first = await signed('POST', `/admin/tenants/${tenantId}/v2/webhooks`, { body: webhookBody() });
    const second = await platform.request('POST', '/v2/webhooks', { key, body: webhookBody() });
    const third = await signed('POST', `/admin/tenants/${tenantId}/v2/webhooks`, { body: webhookBody() });
    await signed('PUT', `/admin/tenants/${tenantId}`, { body: { settings: { maxWebhooks: 3 } } });
    const afterRaise = await platform.request('POST', '/v2/webhooks', { key, body: webhookBody() });

    // Assess
    expect([first.status, second.status]).toEqual([201, 201]);
    expectError(third, 409, 'limit_exceeded');
    expect(afterRaise.status).toBe(201);
    const listed = await signed('GET', `/admin/tenants/${tenantId}/v2/webhooks`);
    expect(listed.body.data).toHaveLength(3);
  });

  it('holds webhooks to the tenant allowedEventTypes and maxThrottleRate', async () => {
    // Prepare
    const tenantId = newTenantId();
    await signed('PUT', `/admin/tenants/${tenantId}`, {
      body: { settings: { allowedEventTypes: ['verification.completed'], maxThrottleRate: 5 } },
    });
    const path = `/admin/tenants/${tenantId}/v2/webhooks`;

    // Act
    const allowed = await signed('POST', path, { body: { ...webhookBody(), throttleRate: 5 } });
    const otherType = await signed('POST', path, { body: webhookBody(['verification.failed']) });
    const tooFast = await signed('POST', path, { body: { ...webhookBody(), throttleRate: 6 } });
    const updateToOtherType = await signed('PUT', `${path}/${allowed.body.id}`, {
      body: { events: ['document.uploaded'] },
    });

    // Assess
    expect(allowed.status).toBe(201);
    expectError(otherType, 400, 'validation_error');
    expect(otherType.body.error.message).toContain('verification.failed');
    expectError(tooFast, 400, 'validation_error');
    expectError(updateToOtherType, 400, 'validation_error');
  });
});

describe('API keys and portal links from a backend', () => {
  it('mints a key that works on /v2, lists it by hash without the key, and revokes it', async () => {
    // Prepare
    const tenantId = newTenantId();
    await signed('PUT', `/admin/tenants/${tenantId}`, { body: {} });

    // Act
    const minted = await signed('POST', `/admin/tenants/${tenantId}/api-keys`, { body: { name: 'backend' } });
    const usable = await platform.request('GET', '/v2/webhooks', { key: minted.body.key });
    const listed = await signed('GET', `/admin/tenants/${tenantId}/api-keys`);
    const revoked = await signed('DELETE', `/admin/tenants/${tenantId}/api-keys/${minted.body.keyHash}`);
    const afterRevoke = await platform.request('GET', '/v2/webhooks', { key: minted.body.key });
    const listedAfter = await signed('GET', `/admin/tenants/${tenantId}/api-keys`);

    // Assess
    expect(minted.status).toBe(201);
    expect(minted.body).toMatchObject({
      key: expect.stringMatching(/^whk_/),
      keyHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      name: 'backend',
      kind: 'api-key',
      state: 'active',
    });
    expect(usable.status).toBe(200);
    expect(listed.body.data).toEqual([expect.objectContaining({ keyHash: minted.body.keyHash, state: 'active' })]);
    expect(JSON.stringify(listed.body)).not.toContain(minted.body.key);
    expect(revoked.status).toBe(204);
    expect(afterRevoke.status).toBe(401);
    expect(listedAfter.body.data[0]).toMatchObject({ state: 'revoked', revokedAt: expect.any(String) });
  });

  it("answers 404 for another tenant's key hash and leaves that key working", async () => {
    // Prepare
    const other = await platform.newTenant('other');
    const mine = newTenantId();
    const { record } = await platform.apiKeys.create(other.tenantId, 'theirs', other.key.replace('whk_', 'whk_x'));

    // Act
    const response = await signed('DELETE', `/admin/tenants/${mine}/api-keys/${record.keyHash}`);

    // Assess
    expectError(response, 404, 'not_found');
    expect((await platform.request('GET', '/v2/webhooks', { key: other.key })).status).toBe(200);
  });

  it('gives a portal link to the console whose token acts as the tenant until it expires', async () => {
    // Prepare
    const tenantId = newTenantId();

    // Act
    const link = await signed('POST', `/admin/tenants/${tenantId}/portal-links`, { body: { ttlSeconds: 600 } });
    const tooLong = await signed('POST', `/admin/tenants/${tenantId}/portal-links`, { body: { ttlSeconds: 90_000 } });

    // Assess
    expect(link.status).toBe(201);
    expect(link.body.url).toMatch(new RegExp(`^${platform.apiUrl}/console#token=whp_`));
    const expiresIn = Date.parse(link.body.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(590_000);
    expect(expiresIn).toBeLessThanOrEqual(600_000);
    const token = link.body.url.split('#token=')[1];
    const asTenant = await platform.request('POST', '/v2/webhooks', { key: token, body: webhookBody() });
    expect(asTenant.status).toBe(201);
    expect((await signed('GET', `/admin/tenants/${tenantId}/v2/webhooks`)).body.data).toHaveLength(1);
    expectError(tooLong, 400, 'validation_error');
  });
});
