import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdentityProvider, type IdentityProvider } from '../helpers/identity-provider';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

/** A file of its own: the handlers read their environment once per process, as on Lambda. */
describe('JWT mode with API keys turned off (AUTH_API_KEYS=false)', () => {
  let idp: IdentityProvider;
  let platform: TestPlatform;

  beforeAll(async () => {
    idp = await startIdentityProvider();
    platform = await startTestPlatform({
      AUTH_API_KEYS: 'false',
      AUTH_JWT_ISSUER: idp.issuer,
      AUTH_JWT_AUDIENCE: idp.audience,
      AUTH_JWT_TENANT_CLAIM: 'org_id',
      AUTH_JWT_JWKS_URL: idp.jwksUrl,
    });
  });
  afterAll(async () => {
    await platform.stop();
    await idp.stop();
  });

  it('refuses an API key, and still takes a portal token and a JWT', async () => {
    // Prepare
    const tenant = await platform.newTenant('keyless');
    const { token: portalToken } = await platform.apiKeys.createPortalToken(tenant.tenantId);

    // Act
    const withKey = await platform.request('GET', '/v2/webhooks', { key: tenant.key });
    const withPortalToken = await platform.request('GET', '/v2/webhooks', { key: portalToken });
    const withJwt = await platform.request('GET', '/v2/webhooks', { key: await idp.mint({ org_id: tenant.tenantId }) });

    // Assess
    expect([withKey.status, withPortalToken.status, withJwt.status]).toEqual([401, 200, 200]);
  });
});
