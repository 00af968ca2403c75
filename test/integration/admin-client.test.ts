import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../../client/admin';
import { Api } from '../../client/index';
import { LOCAL_CREDENTIALS } from '../../local/local-settings';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform';

/**
 * serverless-webhooks/admin against the local stack: the generated admin client, signing with the AWS SDK's signer.
 * The local admin credential is set to the process's AWS credentials, so the client's default chain finds it.
 */
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({
    LOCAL_ADMIN_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    LOCAL_ADMIN_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  });
});
afterAll(() => platform.stop());

describe('The typed admin client', () => {
  it("sets a customer up on project creation: tenant, webhook for the project's events, key, portal link", async () => {
    // Prepare
    const admin = adminClient({ baseUrl: platform.apiUrl, region: 'us-east-1' });
    const tenantId = `client-${Date.now()}`;

    // Act
    const tenant = await admin.admin.putTenant(tenantId, { name: 'Client Co', settings: { maxWebhooks: 5 } });
    const webhook = await admin.admin.createWebhook(tenantId, {
      url: 'https://example.com/projects/proj_1/hooks',
      events: ['verification.completed'],
      filter: { projectId: ['proj_1'] },
    });
    const key = await admin.admin.createApiKey(tenantId, { name: 'their integration' });
    const link = await admin.admin.createPortalLink(tenantId, { ttlSeconds: 300 });
    const detail = await admin.admin.getTenant(tenantId);
    const page = await admin.admin.listWebhooks(tenantId, { limit: 10 });

    // Assess
    expect(tenant.status).toBe(201);
    expect(webhook.status).toBe(201);
    expect(webhook.data.filter).toEqual({ projectId: ['proj_1'] });
    expect(detail.data).toMatchObject({ id: tenantId, name: 'Client Co', webhookCount: 1, implicit: false });
    expect(page.data.data.map((item) => item.id)).toEqual([webhook.data.id]);
    expect(link.data.url).toContain('/console#token=whp_');
    const asTheTenant = new Api({
      baseUrl: platform.apiUrl,
      baseApiParams: { headers: { Authorization: `Bearer ${key.data.key}` } },
    });
    expect((await asTheTenant.v2.getWebhook(webhook.data.id)).data.url).toBe(webhook.data.url);
  });

  it("rejects with the API's error shape: a refused setting, and credentials that are not the admin's", async () => {
    // Prepare
    const admin = adminClient({ baseUrl: platform.apiUrl, region: 'us-east-1' });
    const stranger = adminClient({
      baseUrl: platform.apiUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'nope' },
    });

    // Act
    const invalid = await admin.admin
      .putTenant('acme', { settings: { maxWebhooks: 0 } })
      .catch((response: { status: number; error: unknown }) => response);
    const refused = await stranger.admin
      .listTenants()
      .catch((response: { status: number; error: unknown }) => response);

    // Assess
    expect(invalid).toMatchObject({ status: 400, error: { error: { code: 'validation_error' } } });
    expect(refused).toMatchObject({ status: 403, error: { error: { code: 'forbidden' } } });
  });
});
