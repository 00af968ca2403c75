import { describe, expect, it } from 'vitest';
import { LimitExceededError, NotFoundError, ValidationError } from '../../lambdas/core/errors';
import type { Webhook } from '../../lambdas/core/webhook';
import { WebhookService } from '../../lambdas/core/webhook-service';
import type { SecretRotation, WebhookChanges, WebhookPageQuery, WebhookStore } from '../../lambdas/core/webhook-store';

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
    const { clearDisabledReason, description, filter, ...rest } = changes;
    Object.assign(webhook, rest, description === undefined ? {} : { description: description ?? undefined });
    if (filter) webhook.filter = filter;
    if (filter === null) delete webhook.filter;
    if (clearDisabledReason) delete webhook.disabledReason;
    return webhook;
  }
  async rotateSecret(tenantId: string, id: string, { secret, previousSecretExpiresAt, updatedAt }: SecretRotation) {
    const webhook = await this.get(tenantId, id);
    if (!webhook) return undefined;
    if (previousSecretExpiresAt) Object.assign(webhook, { previousSecret: webhook.secret, previousSecretExpiresAt });
    else {
      delete webhook.previousSecret;
      delete webhook.previousSecretExpiresAt;
    }
    Object.assign(webhook, { secret, updatedAt });
    return webhook;
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

function setup(max = 3) {
  const store = new MemoryStore();
  const service = new WebhookService({
    store,
    urlPolicy: { allowHttp: false, allowLoopback: false },
    maxWebhooksPerTenant: max,
    now: () => new Date('2026-01-01T00:00:00Z'),
  });
  return { store, service };
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
        expect(store.webhooks[0]).toMatchObject({
          secret: rotated.secret,
          previousSecret: old,
          previousSecretExpiresAt: new Date(now.getTime() + 86_400_000).toISOString(),
        });
      },
    );

    it('takes a given secret, and with a grace period of 0 keeps no previous secret', async () => {
      const { service, store } = setup();
      const { id } = await service.create('acme', body);
      await service.rotateSecret('acme', id, { gracePeriodSeconds: 60 });
      const secret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;

      const rotated = await service.rotateSecret('acme', id, { secret, gracePeriodSeconds: 0 });

      expect(rotated.secret).toBe(secret);
      expect(store.webhooks[0]).not.toHaveProperty('previousSecret');
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
      expect(store.webhooks[0]).toMatchObject({ secret });
      expect(store.webhooks[0]).not.toHaveProperty('previousSecret');
    });

    it("answers not_found for another tenant's webhook", async () => {
      const { service, store } = setup();
      const { id, secret } = await service.create('acme', body);
      await expect(service.rotateSecret('globex', id, {})).rejects.toBeInstanceOf(NotFoundError);
      expect(store.webhooks[0]!.secret).toBe(secret);
    });
  });
});
