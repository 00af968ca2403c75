import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../local/receiver';
import { startIdentityProvider, type IdentityProvider } from '../helpers/identity-provider';
import { producer, waitFor } from '../helpers/pipeline';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

/** The team's own auth: bearer JWTs of its issuer (AUTH_JWT_*), beside API keys. */
describe("JWT mode: a bearer token of the team's issuer names the tenant", () => {
  let idp: IdentityProvider;
  let platform: TestPlatform;
  let receiver: Receiver;

  beforeAll(async () => {
    idp = await startIdentityProvider();
    platform = await startTestPlatform({
      AUTH_JWT_ISSUER: idp.issuer,
      AUTH_JWT_AUDIENCE: idp.audience,
      AUTH_JWT_TENANT_CLAIM: 'org_id',
      AUTH_JWT_JWKS_URL: idp.jwksUrl,
    });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.stop();
    await platform.stop();
    await idp.stop();
  });

  it(
    "creates a webhook with a JWT and delivers the tenant's event to it; another tenant's token does not see " + 'it',
    async () => {
      // Prepare
      const token = await idp.mint({ org_id: 'org-jwt-a', sub: 'user_1' });
      const other = await idp.mint({ org_id: 'org-jwt-b', sub: 'user_2' });

      // Act
      const created = await platform.request('POST', '/v2/webhooks', {
        key: token,
        body: { url: `${receiver.url}/jwt`, events: ['verification.completed'] },
      });
      receiver.secrets.push(created.body.secret);
      await producer(platform).publish({
        tenantId: 'org-jwt-a',
        type: 'verification.completed',
        data: { verificationId: 'ver_jwt' },
      });
      const seenByOther = await platform.request('GET', `/v2/webhooks/${created.body.id}`, { key: other });

      // Assess
      expect(created.status).toBe(201);
      const delivery = await waitFor(() => receiver.deliveries.find((d) => d.path === '/jwt'), {
        what: 'the delivery',
      });
      expect(delivery.standardVerified).toBe(true);
      expect(seenByOther.status).toBe(404);
    },
  );

  it.each([
    ['expired', () => idp.mint({ org_id: 'org-jwt-a' }, { expiresIn: '-1m' })],
    ['for another audience', () => idp.mint({ org_id: 'org-jwt-a' }, { audience: 'billing' })],
    ['from another issuer', () => idp.mint({ org_id: 'org-jwt-a' }, { issuer: 'https://evil.example.test/' })],
    ['signed by another key', () => idp.mintWithForeignKey({ org_id: 'org-jwt-a' })],
    ['signed with HS256', () => idp.mintSymmetric({ org_id: 'org-jwt-a' })],
    ['without the tenant claim', () => idp.mint({ sub: 'user_1' })],
    ['with a tenant claim that is no tenant id', () => idp.mint({ org_id: 'TENANT#x/../y' })],
    // RFC 7515 §4.1.11: an extension the API does not understand is required
    ['with a crit header', () => idp.mint({ org_id: 'org-jwt-a' }, { crit: ['x-bound'] })],
    ['without exp (it would work forever)', () => idp.mint({ org_id: 'org-jwt-a' }, { expiresIn: null })],
    ['living longer than the maximum lifetime (a day)', () => idp.mint({ org_id: 'org-jwt-a' }, { expiresIn: '25h' })],
  ])('refuses a token %s with 401 in the error shape', async (_, token) => {
    // Act
    const response = await platform.request('GET', '/v2/webhooks', { key: await token() });

    // Assess
    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ code: 'unauthorized', requestId: expect.any(String) });
  });

  it('answers 503 identity_provider_unavailable, not a 401, while the JWKS cannot be had', async () => {
    // Prepare: a key the authorizer has not cached, so it must ask the JWKS
    const token = await idp.mint({ org_id: 'org-jwt-a' }, { kid: 'rotated-key' });
    idp.setJwksAvailable(false);

    // Act
    const response = await platform
      .request('GET', '/v2/webhooks', { key: token })
      .finally(() => idp.setJwksAvailable(true));

    // Assess
    expect(response.status).toBe(503);
    expect(response.body.error).toMatchObject({
      code: 'identity_provider_unavailable',
      message: expect.stringMatching(/identity provider could not be reached/),
      requestId: expect.any(String),
    });
  });

  it('keeps API keys and portal tokens working beside JWTs', async () => {
    // Prepare
    const tenant = await platform.newTenant('keyed');
    const { token: portalToken } = await platform.apiKeys.createPortalToken(tenant.tenantId);

    // Act
    const withKey = await platform.request('GET', '/v2/webhooks', { key: tenant.key });
    const withPortalToken = await platform.request('GET', '/v2/webhooks', { key: portalToken });

    // Assess
    expect([withKey.status, withPortalToken.status]).toEqual([200, 200]);
  });
});
