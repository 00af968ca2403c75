import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalDataKeys } from '../../lambdas/adapters/local-data-keys';
import { EnvelopeSealer } from '../../lambdas/core/common/secret-sealer';
import { TenantKeySealer } from '../../lambdas/core/common/tenant-key-sealer';
import { memoryTenantKeys } from '../helpers/test-sealer';
import { makeTestCertificates } from '../helpers/test-certificates';
import type {
  EndpointVerification,
  EndpointVerificationMode,
  VerificationTask,
} from '../../lambdas/core/webhooks/endpoint-verification';
import { limitsOf } from '../../lambdas/core/access/tenants';
import {
  LimitExceededError,
  NotFoundError,
  RateLimitedError,
  ValidationError,
  VerificationOffError,
} from '../../lambdas/core/common/errors';
import type { Webhook } from '../../lambdas/core/webhooks/webhook';
import { WebhookService } from '../../lambdas/core/webhooks/webhook-service';
import type {
  SecretRotation,
  SigningKeyRotation,
  WebhookChanges,
  WebhookPageQuery,
  WebhookStore,
} from '../../lambdas/core/webhooks/webhook-store';
import { createEventCatalog } from '../../lambdas/core/events/event-catalog';

/** The store port kept in memory: enough to test the service's own rules without DynamoDB. */
class MemoryStore implements WebhookStore {
  readonly webhooks: Webhook[] = [];
  async create(webhook: Webhook, max: number) {
    if (this.webhooks.filter((item) => item.tenantId === webhook.tenantId).length >= max)
      throw new LimitExceededError(max);
    this.webhooks.push(webhook);
  }
  async get(tenantId: string, id: string) {
    return this.webhooks.find((item) => item.tenantId === tenantId && item.id === id);
  }
  async list(tenantId: string, { limit, after }: WebhookPageQuery) {
    const mine = this.webhooks.filter((item) => item.tenantId === tenantId && (!after || item.id > after));
    return { webhooks: mine.slice(0, limit), hasMore: mine.length > limit };
  }
  async update(tenantId: string, id: string, changes: WebhookChanges) {
    const webhook = await this.get(tenantId, id);
    if (!webhook) return undefined;
    const { clearDisabledReason, description, filter, signingKey, verification, sealedClearSecrets, ...rest } = changes;
    if (sealedClearSecrets?.sealedSecret) {
      webhook.sealedSecret ??= sealedClearSecrets.sealedSecret;
      delete webhook.secret;
    }
    if (sealedClearSecrets?.previousSealedSecret) {
      webhook.previousSealedSecret ??= sealedClearSecrets.previousSealedSecret;
      delete webhook.previousSecret;
    }
    if (verification) webhook.verification = verification;
    if (verification === null) delete webhook.verification;
    Object.assign(webhook, rest, description === undefined ? {} : { description: description ?? undefined });
    if (signingKey) webhook.signingKey ??= signingKey;
    if (signingKey === null) {
      delete webhook.signingKey;
      delete webhook.previousSigningKey;
      delete webhook.previousSigningKeyExpiresAt;
    }
    if (filter) webhook.filter = filter;
    if (filter === null) delete webhook.filter;
    if (clearDisabledReason) delete webhook.disabledReason;
    return webhook;
  }
  async rotateSecret(
    tenantId: string,
    id: string,
    { sealedSecret, previousSecretExpiresAt, sealedClearSecret, updatedAt }: SecretRotation,
  ) {
    const webhook = await this.get(tenantId, id);
    if (!webhook) return undefined;
    if (previousSecretExpiresAt)
      Object.assign(webhook, {
        previousSealedSecret: webhook.sealedSecret ?? sealedClearSecret,
        previousSecretExpiresAt,
      });
    else {
      delete webhook.previousSealedSecret;
      delete webhook.previousSecretExpiresAt;
    }
    delete webhook.secret;
    delete webhook.previousSecret;
    Object.assign(webhook, { sealedSecret, updatedAt });
    return webhook;
  }
  async rotateSigningKey(
    tenantId: string,
    id: string,
    { signingKey, previousSigningKeyExpiresAt, updatedAt }: SigningKeyRotation,
  ) {
    const webhook = await this.get(tenantId, id);
    if (!webhook?.signingKey) return undefined;
    if (previousSigningKeyExpiresAt)
      Object.assign(webhook, { previousSigningKey: webhook.signingKey, previousSigningKeyExpiresAt });
    Object.assign(webhook, { signingKey, updatedAt });
    return webhook;
  }
  async restartVerification(
    tenantId: string,
    id: string,
    currentId: string | undefined,
    next: EndpointVerification,
    updatedAt: string,
  ) {
    const webhook = await this.get(tenantId, id);
    if (!webhook || webhook.verification?.id !== currentId) return undefined;
    return Object.assign(webhook, { verification: next, updatedAt });
  }
  async delete(tenantId: string, id: string) {
    const index = this.webhooks.findIndex((item) => item.tenantId === tenantId && item.id === id);
    if (index >= 0) this.webhooks.splice(index, 1);
    return index >= 0;
  }
  async listAll(tenantId: string) {
    return this.webhooks.filter((item) => item.tenantId === tenantId);
  }
}

const sealer = new EnvelopeSealer(new LocalDataKeys(randomBytes(32).toString('base64')));
const tenantKeys = memoryTenantKeys();
const signingSecretSealer = new TenantKeySealer(new LocalDataKeys(randomBytes(32).toString('base64')), tenantKeys);

/** A stored webhook's signing secrets, opened: what its deliveries are signed with. */
async function openedSecrets(webhook: Webhook) {
  const context = { tenantId: webhook.tenantId, webhookId: webhook.id };
  return {
    secret: webhook.sealedSecret && (await signingSecretSealer.open(webhook.sealedSecret, context)),
    previousSecret:
      webhook.previousSealedSecret && (await signingSecretSealer.open(webhook.previousSealedSecret, context)),
  };
}

function setup(
  max = 3,
  {
    verifying = false,
    tenantVerification = undefined as EndpointVerificationMode | undefined,
    at = () => new Date('2026-01-01T00:00:00Z'),
  } = {},
) {
  const store = new MemoryStore();
  const started: VerificationTask[] = [];
  const queue = { start: async (task: VerificationTask) => void started.push(task) };
  const service = new WebhookService({
    store,
    catalog: createEventCatalog(),
    urlPolicy: { allowHttp: false, allowLoopback: false },
    maxWebhooksPerTenant: max,
    sealer,
    signingSecretSealer,
    ...(verifying || tenantVerification ? { verification: { mode: verifying ? 'handshake' : 'off', queue } } : {}),
    ...(tenantVerification
      ? {
          tenantLimits: async () =>
            limitsOf(
              { id: 'acme', settings: { endpointVerification: tenantVerification }, createdAt: '', updatedAt: '' },
              { maxWebhooks: max },
            ),
        }
      : {}),
    now: at,
  });
  return { store, service, started };
}
const body = { url: 'https://example.com/hooks', events: ['document.uploaded', 'document.uploaded'] };

describe('Class: WebhookService', () => {
  describe('Method: create', () => {
    it('de-duplicates events, defaults active to true and generates a secret', async () => {
      const { service } = setup();
      const webhook = await service.create('acme', body);
      expect(webhook).toMatchObject({
        events: ['document.uploaded'],
        active: true,
        description: null,
        createdAt: '2026-01-01T00:00:00.000Z',
      });
      expect(webhook.secret).toMatch(/^whsec_/);
    });

    it('stores the signing secret sealed under the tenant key, and shows it only in the answer of create', async () => {
      const { service, store } = setup();
      const created = await service.create('acme', body);
      const stored = store.webhooks[0]!;
      expect(stored).not.toHaveProperty('secret');
      expect(stored.sealedSecret).toMatch(/^s1:/);
      expect(JSON.stringify(stored)).not.toContain(created.secret!.slice('whsec_'.length));
      expect((await openedSecrets(stored)).secret).toBe(created.secret);
      expect(await service.get('acme', created.id)).not.toHaveProperty('secret');
      expect(await service.update('acme', created.id, { description: 'x' })).not.toHaveProperty('secret');
      expect((await service.list('acme', {})).data[0]).not.toHaveProperty('secret');
    });

    it('seals a secret and a previous secret stored in clear (before sealing) on the next update', async () => {
      const { service, store } = setup();
      const { id } = await service.create('acme', body);
      const clear = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
      const previous = `whsec_${Buffer.alloc(24, 8).toString('base64')}`;
      const stored = store.webhooks[0]!;
      delete stored.sealedSecret;
      Object.assign(stored, {
        secret: clear,
        previousSecret: previous,
        previousSecretExpiresAt: '2026-01-02T00:00:00Z',
      });

      await service.update('acme', id, { description: 'touched' });

      expect(store.webhooks[0]).not.toHaveProperty('secret');
      expect(store.webhooks[0]).not.toHaveProperty('previousSecret');
      expect(await openedSecrets(store.webhooks[0]!)).toEqual({ secret: clear, previousSecret: previous });
    });

    it('refuses an http URL where the deployment does not allow it, naming the field', async () => {
      const { service, store } = setup();
      await expect(service.create('acme', { ...body, url: 'http://example.com/' })).rejects.toMatchObject({
        code: 'validation_error',
        details: [{ path: 'url', message: 'must use https' }],
      });
      expect(store.webhooks).toHaveLength(0);
    });

    it('passes the per-tenant limit on to the store', async () => {
      const { service } = setup(1);
      await service.create('acme', body);
      await expect(service.create('acme', body)).rejects.toBeInstanceOf(LimitExceededError);
      await expect(service.create('globex', body)).resolves.toBeDefined();
    });
  });

  describe('Method: list', () => {
    it('pages with an opaque cursor and leaves secrets out', async () => {
      const { service } = setup(10);
      for (let index = 0; index < 3; index += 1) await service.create('acme', body);
      const first = await service.list('acme', { limit: '2' });
      expect(first.data).toHaveLength(2);
      expect(first.hasMore).toBe(true);
      expect(first.data[0]).not.toHaveProperty('secret');
      const second = await service.list('acme', { limit: '2', cursor: first.nextCursor! });
      expect(second).toMatchObject({ hasMore: false, nextCursor: null });
      expect(second.data).toHaveLength(1);
    });

    it('refuses a limit out of range and a cursor it did not issue', async () => {
      const { service } = setup();
      await expect(service.list('acme', { limit: '101' })).rejects.toBeInstanceOf(ValidationError);
      await expect(service.list('acme', { cursor: 'bogus' })).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('Methods: get, update, delete', () => {
    it("answers not_found for another tenant's webhook and for ids that are not webhook ids", async () => {
      const { service } = setup();
      const { id } = await service.create('acme', body);
      await expect(service.get('globex', id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.update('globex', id, { active: false })).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.delete('globex', id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.get('acme', '../etc/passwd')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('clears disabledReason only when a webhook is re-activated', async () => {
      const { service, store } = setup();
      const { id } = await service.create('acme', body);
      Object.assign(store.webhooks[0]!, { active: false, disabledReason: 'the endpoint answered 410 Gone' });
      expect(await service.update('acme', id, { description: 'x' })).toHaveProperty('disabledReason');
      expect(await service.update('acme', id, { active: true })).not.toHaveProperty('disabledReason');
    });

    it('stores a filter on create, shows null without one, and removes it with null on update', async () => {
      const { service, store } = setup();
      const { id, filter } = await service.create('acme', {
        ...body,
        filter: { projectId: ['proj_A'], 'metadata.country': ['US', 'CA'] },
      });
      expect(filter).toEqual({ projectId: ['proj_A'], 'metadata.country': ['US', 'CA'] });
      expect(store.webhooks[0]!.filter).toEqual(filter);
      expect((await service.update('acme', id, { filter: null })).filter).toBeNull();
      expect(store.webhooks[0]).not.toHaveProperty('filter');
      expect((await service.create('acme', body)).filter).toBeNull();
    });

    it('refuses an update that changes nothing', async () => {
      const { service } = setup();
      const { id } = await service.create('acme', body);
      await expect(service.update('acme', id, {})).rejects.toMatchObject({ code: 'validation_error' });
    });

    it('starts a new throttle setting on a new rate (none, or back again), keeps it for the same', async () => {
      // Prepare
      let clock = new Date('2026-01-01T00:00:00Z');
      const { service, store } = setup(3, { at: () => clock });
      const { id } = await service.create('acme', { ...body, throttleRate: 5 });
      const since = () => store.webhooks[0]!.throttleRateSince;

      // Act + Assess: the same rate again keeps the setting (and the slots held under it)
      clock = new Date('2026-01-01T00:01:00Z');
      await service.update('acme', id, { throttleRate: 5 });
      expect(since()).toBeUndefined();
      await service.update('acme', id, { throttleRate: null });
      expect(since()).toBeNull();
      // set again within 900 s: a new setting, so slots held from the first one are given up (issue 24)
      clock = new Date('2026-01-01T00:02:00Z');
      await service.update('acme', id, { throttleRate: 5 });
      expect(since()).toBe('2026-01-01T00:02:00.000Z');
    });
  });

  describe('Method: rotateSecret', () => {
    const now = new Date('2026-01-01T00:00:00Z');

    it(
      'keeps the old secret as previousSecret for the grace period (default one day) and returns the new ' + 'one',
      async () => {
        // Prepare
        const { service, store } = setup();
        const { id, secret: old } = await service.create('acme', body);

        // Act
        const rotated = await service.rotateSecret('acme', id, {});

        // Assess
        expect(rotated.secret).toMatch(/^whsec_/);
        expect(rotated.secret).not.toBe(old);
        expect(rotated).not.toHaveProperty('previousSecret');
        expect(await openedSecrets(store.webhooks[0]!)).toEqual({ secret: rotated.secret, previousSecret: old });
        expect(store.webhooks[0]).toMatchObject({
          previousSecretExpiresAt: new Date(now.getTime() + 86_400_000).toISOString(),
        });
      },
    );

    it('keeps a secret stored in clear (before sealing) signing for the grace period, sealed', async () => {
      const { service, store } = setup();
      const { id } = await service.create('acme', body);
      const clear = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
      delete store.webhooks[0]!.sealedSecret;
      store.webhooks[0]!.secret = clear;

      const rotated = await service.rotateSecret('acme', id, {});

      expect(store.webhooks[0]).not.toHaveProperty('secret');
      expect(await openedSecrets(store.webhooks[0]!)).toEqual({ secret: rotated.secret, previousSecret: clear });
    });

    it('takes a given secret, and with a grace period of 0 keeps no previous secret', async () => {
      const { service, store } = setup();
      const { id } = await service.create('acme', body);
      await service.rotateSecret('acme', id, { gracePeriodSeconds: 60 });
      const secret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;

      const rotated = await service.rotateSecret('acme', id, { secret, gracePeriodSeconds: 0 });

      expect(rotated.secret).toBe(secret);
      expect(await openedSecrets(store.webhooks[0]!)).toEqual({ secret, previousSecret: undefined });
      expect(store.webhooks[0]).not.toHaveProperty('previousSealedSecret');
      expect(store.webhooks[0]).not.toHaveProperty('previousSecretExpiresAt');
    });

    it.each([
      [{ gracePeriodSeconds: -1 }, 'gracePeriodSeconds'],
      [{ gracePeriodSeconds: 604_801 }, 'gracePeriodSeconds'],
      [{ gracePeriodSeconds: 1.5 }, 'gracePeriodSeconds'],
      [{ gracePeriodSeconds: '60' }, 'gracePeriodSeconds'],
      [{ secret: 'whsec_short' }, 'secret'],
      [{ grace: 60 }, 'grace'],
    ])('refuses %j with validation_error naming %s, and keeps the secret', async (input, path) => {
      const { service, store } = setup();
      const { id, secret } = await service.create('acme', body);
      await expect(service.rotateSecret('acme', id, input)).rejects.toMatchObject({
        code: 'validation_error',
        details: [{ path }],
      });
      expect((await openedSecrets(store.webhooks[0]!)).secret).toBe(secret);
      expect(store.webhooks[0]).not.toHaveProperty('previousSealedSecret');
    });

    it("answers not_found for another tenant's webhook", async () => {
      const { service, store } = setup();
      const { id, secret } = await service.create('acme', body);
      await expect(service.rotateSecret('globex', id, {})).rejects.toBeInstanceOf(NotFoundError);
      expect((await openedSecrets(store.webhooks[0]!)).secret).toBe(secret);
    });

    it('rotates the ed25519 key (type "ed25519"): the old one signs during the grace period', async () => {
      // Prepare
      const { service, store } = setup();
      const { id, secret, publicKey } = await service.create('acme', { ...body, signing: { ed25519: true } });

      // Act
      const rotated = await service.rotateSecret('acme', id, { type: 'ed25519', gracePeriodSeconds: 3600 });

      // Assess
      expect(rotated.publicKey).toMatch(/^whpk_/);
      expect(rotated.publicKey).not.toBe(publicKey);
      expect(rotated).not.toHaveProperty('secret');
      expect((await openedSecrets(store.webhooks[0]!)).secret).toBe(secret);
      expect(store.webhooks[0]).toMatchObject({
        previousSigningKey: { publicKey },
        previousSigningKeyExpiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
      });
      expect(store.webhooks[0]).not.toHaveProperty('previousSealedSecret');
    });

    it('refuses an ed25519 rotation of a webhook without a key, and a secret given with it', async () => {
      // Prepare
      const { service } = setup();
      const { id } = await service.create('acme', body);
      const keyed = await service.create('acme', { ...body, signing: { ed25519: true } });

      // Act + Assess
      await expect(service.rotateSecret('acme', id, { type: 'ed25519' })).rejects.toMatchObject({
        code: 'validation_error',
        details: [{ path: 'type' }],
      });
      await expect(
        service.rotateSecret('acme', keyed.id, {
          type: 'ed25519',
          secret: `whsec_${Buffer.alloc(32).toString('base64')}`,
        }),
      ).rejects.toMatchObject({ code: 'validation_error', details: [{ path: 'secret' }] });
    });
  });

  describe('Option: signing.ed25519', () => {
    it('gives a webhook an ed25519 key pair: the public key on the webhook, the private key only sealed', async () => {
      // Act
      const { service, store } = setup();
      const webhook = await service.create('acme', { ...body, signing: { ed25519: true } });

      // Assess
      expect(webhook.publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
      expect(JSON.stringify(webhook)).not.toContain('sealedPrivateKey');
      expect(store.webhooks[0]!.signingKey).toMatchObject({
        publicKey: webhook.publicKey,
        sealedPrivateKey: expect.stringMatching(/^v1:/),
      });
      expect((await service.list('acme', {})).data[0]!.publicKey).toBe(webhook.publicKey);
    });

    it('keeps the key when asked again, removes it with false, and shows null without one', async () => {
      // Prepare
      const { service, store } = setup();
      const { id, publicKey } = await service.create('acme', { ...body, signing: { ed25519: true } });

      // Act + Assess
      expect((await service.update('acme', id, { signing: { ed25519: true } })).publicKey).toBe(publicKey);
      expect((await service.update('acme', id, { signing: { ed25519: false } })).publicKey).toBeNull();
      expect(store.webhooks[0]).not.toHaveProperty('signingKey');
      expect((await service.create('acme', body)).publicKey).toBeNull();
    });

    it.each([[{ ed25519: 'yes' }], [{ rsa: true }], [true]])('refuses signing %j naming the field', async (signing) => {
      const { service } = setup();
      await expect(service.create('acme', { ...body, signing })).rejects.toMatchObject({
        code: 'validation_error',
        details: expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/^signing/) })]),
      });
    });
  });

  describe('auth and tls (endpoint credentials, write-only)', () => {
    const certificates = makeTestCertificates();
    const oauth2 = {
      type: 'oauth2_client_credentials',
      tokenUrl: 'https://auth.example.com/token',
      clientId: 'platform',
      clientSecret: 'client-secret-1',
      scope: 'webhooks:write',
    };
    const tls = { clientCertificate: certificates.client.certificate, privateKey: certificates.client.privateKey };

    it('stores the secrets sealed for the webhook and answers without them', async () => {
      const { service, store } = setup();
      const created = await service.create('acme', { ...body, auth: oauth2, tls });
      expect(created.auth).toEqual({
        type: 'oauth2_client_credentials',
        tokenUrl: oauth2.tokenUrl,
        clientId: 'platform',
        scope: 'webhooks:write',
        audience: null,
      });
      expect(created.tls).toEqual({
        certificateSubject: 'CN=webhooks-platform',
        certificateExpiresAt: expect.stringMatching(/^\d{4}-/),
        caCertificate: false,
      });
      const stored = store.webhooks[0]!;
      const raw = JSON.stringify(stored);
      for (const secret of ['client-secret-1', certificates.client.privateKey.split('\n')[1]!]) {
        expect(raw).not.toContain(secret);
        expect(JSON.stringify(created)).not.toContain(secret);
        expect(JSON.stringify(await service.list('acme', {}))).not.toContain(secret);
      }
      const context = { tenantId: 'acme', webhookId: created.id };
      expect(
        stored.auth?.type === 'oauth2_client_credentials' &&
          (await sealer.open(stored.auth.sealedClientSecret, context)),
      ).toBe('client-secret-1');
      expect(await sealer.open(stored.tls!.sealedPrivateKey!, context)).toBe(certificates.client.privateKey);
    });

    it('replaces auth as a whole on update and removes it with null; basic auth shows only the username', async () => {
      const { service, store } = setup();
      const { id } = await service.create('acme', { ...body, auth: oauth2 });
      const updated = await service.update('acme', id, {
        auth: { type: 'basic', username: 'hooks', password: 'pw-2' },
      });
      expect(updated.auth).toEqual({ type: 'basic', username: 'hooks' });
      expect(JSON.stringify(store.webhooks[0])).not.toContain('pw-2');
      expect((await service.update('acme', id, { auth: null })).auth).toBeNull();
    });

    it('keeps the stored secret when an update leaves it out, for the same type and token URL only', async () => {
      // Prepare
      const { service, store } = setup();
      const { id } = await service.create('acme', { ...body, auth: oauth2 });
      const { clientSecret: _kept, ...withoutSecret } = oauth2;
      const context = { tenantId: 'acme', webhookId: id };
      const storedSecret = async () => {
        const auth = store.webhooks[0]!.auth!;
        return sealer.open(auth.type === 'basic' ? auth.sealedPassword : auth.sealedClientSecret, context);
      };

      // Act
      const updated = await service.update('acme', id, { auth: { ...withoutSecret, clientId: 'platform-2' } });
      const elsewhere = await service
        .update('acme', id, { auth: { ...withoutSecret, tokenUrl: 'https://other.example.com/token' } })
        .catch((caught) => caught);
      const otherType = await service
        .update('acme', id, { auth: { type: 'basic', username: 'hooks' } })
        .catch((caught) => caught);

      // Assess: a kept secret never goes to a new token URL, nor becomes another kind of secret
      expect(updated.auth).toMatchObject({ clientId: 'platform-2' });
      expect(await storedSecret()).toBe('client-secret-1');
      expect(elsewhere).toBeInstanceOf(ValidationError);
      expect(elsewhere.details).toEqual([{ path: 'auth.clientSecret', message: expect.stringMatching(/required/) }]);
      expect(otherType.details).toEqual([{ path: 'auth.password', message: expect.stringMatching(/required/) }]);
      expect(store.webhooks[0]!.auth).toMatchObject({ clientId: 'platform-2', tokenUrl: oauth2.tokenUrl });
    });

    it('refuses auth without its secret on create', async () => {
      const { service } = setup();
      const { clientSecret: _missing, ...withoutSecret } = oauth2;
      const error = await service.create('acme', { ...body, auth: withoutSecret }).catch((caught) => caught);
      expect(error.details.map((detail: { path: string }) => detail.path)).toContain('auth.clientSecret');
    });

    it('accepts a private CA alone', async () => {
      const { service } = setup();
      const created = await service.create('acme', {
        ...body,
        tls: { caCertificate: certificates.serverCa.certificate },
      });
      expect(created.tls).toEqual({ certificateSubject: null, certificateExpiresAt: null, caCertificate: true });
    });

    it.each([
      [{ tls: { clientCertificate: certificates.client.certificate } }, 'tls.privateKey'],
      [{ tls: { ...tls, privateKey: certificates.strangerClient.privateKey } }, 'tls.privateKey'],
      [{ tls: { ...tls, clientCertificate: 'not a pem' } }, 'tls.clientCertificate'],
      [
        { tls: { ...tls, privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' } },
        'tls.privateKey',
      ],
      [{ tls: {} }, 'tls'],
      [{ auth: { ...oauth2, tokenUrl: 'http://169.254.169.254/token' } }, 'auth.tokenUrl'],
      [{ auth: { type: 'basic', username: 'a:b', password: 'x' } }, 'auth.username'],
      [{ auth: { type: 'bearer', token: 'x' } }, 'auth.type'],
      [{ auth: { ...oauth2, clientSecret: 'zz-secret\nbreak' } }, 'auth.clientSecret'],
    ])('refuses %j at %s, quoting no secret', async (change, path) => {
      const { service, store } = setup();
      const error = (await service.create('acme', { ...body, ...change }).catch((caught) => caught)) as ValidationError;
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.details.map((detail) => detail.path)).toContain(path);
      expect(JSON.stringify(error)).not.toContain('PRIVATE KEY');
      expect(JSON.stringify(error)).not.toContain('zz-secret');
      expect(store.webhooks).toHaveLength(0);
    });
  });

  describe('Endpoint verification (handshake)', () => {
    it('starts a pending run on create and queues its first challenge; off starts none', async () => {
      const { service, started } = setup(3, { verifying: true });
      const webhook = await service.create('acme', body);
      expect(webhook.verification).toMatchObject({ state: 'pending', attempts: 0, lastError: null });
      expect(started).toEqual([
        expect.objectContaining({ kind: 'endpoint-verification', webhookId: webhook.id, attempt: 1 }),
      ]);
      const off = await setup().service.create('acme', body);
      expect(off.verification).toBeNull();
    });

    it('starts a new run when the URL changes, not when it is given unchanged', async () => {
      const { service, store, started } = setup(3, { verifying: true });
      const { id } = await service.create('acme', body);
      store.webhooks[0]!.verification = { ...store.webhooks[0]!.verification!, state: 'verified' };
      await service.update('acme', id, { url: body.url, description: 'same' });
      expect(store.webhooks[0]!.verification!.state).toBe('verified');
      const moved = await service.update('acme', id, { url: 'https://example.org/new' });
      expect(moved.verification!.state).toBe('pending');
      expect(started).toHaveLength(2);
      expect(started[1]!.verificationId).not.toBe(started[0]!.verificationId);
    });

    it('verify restarts a run, at most once a minute while it is pending; off refuses it', async () => {
      let clock = new Date('2026-01-01T00:00:00Z');
      const { service, started } = setup(3, { verifying: true, at: () => clock });
      const { id } = await service.create('acme', body);
      await expect(service.verify('acme', id)).rejects.toBeInstanceOf(RateLimitedError);
      await expect(service.verify('globex', id)).rejects.toBeInstanceOf(NotFoundError);
      clock = new Date('2026-01-01T00:01:00Z');
      await expect(service.verify('acme', id)).resolves.toMatchObject({ verification: { state: 'pending' } });
      expect(started).toHaveLength(2);
      const { service: off } = setup();
      const { id: unverified } = await off.create('acme', body);
      await expect(off.verify('acme', unverified)).rejects.toBeInstanceOf(VerificationOffError);
    });
  });
  describe("Endpoint verification: the tenant's setting over the deployment's", () => {
    it('a tenant set to handshake on an off deployment gets pending webhooks, and may verify again', async () => {
      const { service, started } = setup(3, { tenantVerification: 'handshake' });
      const webhook = await service.create('acme', body);
      expect(webhook.verification).toMatchObject({ state: 'pending' });
      expect(started).toHaveLength(1);
      await expect(service.verify('acme', webhook.id)).rejects.toBeInstanceOf(RateLimitedError);
    });

    it('a tenant set to off on a handshake deployment gets no run on create, URL change or verify', async () => {
      const { service, started } = setup(3, { verifying: true, tenantVerification: 'off' });
      const webhook = await service.create('acme', body);
      expect(webhook.verification).toBeNull();
      const moved = await service.update('acme', webhook.id, { url: 'https://example.org/new' });
      expect(moved.verification).toBeNull();
      await expect(service.verify('acme', webhook.id)).rejects.toBeInstanceOf(VerificationOffError);
      expect(started).toHaveLength(0);
    });
  });
});
