import { describe, expect, it } from 'vitest';
import { hashApiKey, type ApiKeyRecord } from '../../lambdas/core/access/api-keys';
import { ApiKeyService, type ApiKeyStore } from '../../lambdas/core/access/api-key-service';
import { ValidationError } from '../../lambdas/core/common/errors';

class InMemoryApiKeyStore implements ApiKeyStore {
  readonly records = new Map<string, ApiKeyRecord>();
  async put(record: ApiKeyRecord) {
    this.records.set(record.keyHash, record);
  }
  async find(keyHash: string) {
    return this.records.get(keyHash);
  }
  async listAll() {
    return [...this.records.values()];
  }
  async listOfTenant(tenantId: string) {
    return [...this.records.values()].filter((record) => record.tenantId === tenantId);
  }
  async revoke(keyHash: string, revokedAt: string, tenantId?: string) {
    const record = this.records.get(keyHash);
    if (!record || (tenantId !== undefined && record.tenantId !== tenantId)) return false;
    record.revokedAt ??= revokedAt;
    return true;
  }
}

/** A clock the test moves by hand. */
function clock(start = '2026-03-01T12:00:00.000Z') {
  let now = new Date(start);
  return { now: () => now, advance: (seconds: number) => (now = new Date(now.getTime() + seconds * 1000)) };
}

describe('Class: ApiKeyService', () => {
  describe('Method: createPortalToken', () => {
    it('stores only the hash, marked as a portal token, with an expiry one hour out by default', async () => {
      // Prepare
      const store = new InMemoryApiKeyStore();
      const service = new ApiKeyService(store, clock().now);

      // Act
      const { token, record, expiresAt } = await service.createPortalToken('acme');

      // Assess
      expect(token).toMatch(/^whp_[A-Za-z0-9_-]{43}$/);
      expect([...store.records.keys()]).toEqual([hashApiKey(token)]);
      expect(JSON.stringify(record)).not.toContain(token);
      expect(record).toMatchObject({
        tenantId: 'acme',
        kind: 'portal-token',
        expiresAt: Date.parse('2026-03-01T13:00:00.000Z') / 1000,
      });
      expect(expiresAt.toISOString()).toBe('2026-03-01T13:00:00.000Z');
    });

    it('refuses a lifetime over 24 hours, under a minute or fractional, and a bad tenant', async () => {
      // Prepare
      const service = new ApiKeyService(new InMemoryApiKeyStore());

      // Act / Assess
      await expect(service.createPortalToken('acme', 86_401)).rejects.toThrow(ValidationError);
      await expect(service.createPortalToken('acme', 59)).rejects.toThrow(ValidationError);
      await expect(service.createPortalToken('acme', 90.5)).rejects.toThrow(ValidationError);
      await expect(service.createPortalToken('acme', Number.NaN)).rejects.toThrow(ValidationError);
      await expect(service.createPortalToken('no spaces', 3600)).rejects.toThrow(ValidationError);
      await expect(service.createPortalToken('acme', 86_400)).resolves.toMatchObject({
        record: { kind: 'portal-token' },
      });
    });
  });

  describe('Method: authenticate', () => {
    it("names the token's tenant until the second it expires, and nothing from then on", async () => {
      // Prepare
      const time = clock();
      const service = new ApiKeyService(new InMemoryApiKeyStore(), time.now);
      const { token } = await service.createPortalToken('acme', 600);

      // Act / Assess
      time.advance(599);
      expect(await service.authenticate(token)).toBe('acme');
      time.advance(1);
      expect(await service.authenticate(token)).toBeUndefined();
    });

    it('refuses a revoked portal token before its expiry', async () => {
      // Prepare
      const service = new ApiKeyService(new InMemoryApiKeyStore());
      const { token } = await service.createPortalToken('acme', 3600);

      // Act
      await service.revoke(hashApiKey(token));

      // Assess
      expect(await service.authenticate(token)).toBeUndefined();
    });

    it('keeps accepting an API key (no expiry) whatever the clock says', async () => {
      // Prepare
      const time = clock();
      const service = new ApiKeyService(new InMemoryApiKeyStore(), time.now);
      const { key, record } = await service.create('acme', 'ci');

      // Act
      time.advance(10 * 365 * 86_400);

      // Assess
      expect(record.kind).toBe('api-key');
      expect(await service.authenticate(key)).toBe('acme');
    });
  });
});
