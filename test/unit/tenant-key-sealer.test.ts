import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalDataKeys } from '../../lambdas/adapters/local-data-keys';
import { SecretUnreadableError, type DataKeyProvider } from '../../lambdas/core/common/secret-sealer';
import { TenantKeySealer } from '../../lambdas/core/common/tenant-key-sealer';
import { signatureHeaders } from '../../lambdas/core/signing/signing';
import { signingKeys } from '../../lambdas/core/webhooks/signing-keys';
import { aWebhook } from '../helpers/factories';
import { memoryTenantKeys, testSealer } from '../helpers/test-sealer';

const localKey = () => randomBytes(32).toString('base64');

/** KMS's stand-in, counting its calls: what a container would pay KMS. */
function countingKms(key = localKey()) {
  const inner = new LocalDataKeys(key);
  const calls = { generate: 0, decrypt: 0, contexts: [] as unknown[] };
  const provider: DataKeyProvider = {
    generate: (context) => (calls.generate++, calls.contexts.push(context), inner.generate(context)),
    decrypt: (encrypted, context) => (calls.decrypt++, calls.contexts.push(context), inner.decrypt(encrypted, context)),
  };
  return { provider, calls };
}

const acme = (webhookId: string) => ({ tenantId: 'acme', webhookId });

describe('TenantKeySealer', () => {
  it('opens what it sealed; the sealed text holds neither the secret nor its base64', async () => {
    const sealer = new TenantKeySealer(new LocalDataKeys(localKey()), memoryTenantKeys());
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const sealed = await sealer.seal(secret, acme('webhook_1'));
    expect(sealed).toMatch(/^s1:[\w-]+:[\w-]+$/);
    expect(sealed).not.toContain(secret.slice(6));
    expect(await sealer.open(sealed, acme('webhook_1'))).toBe(secret);
  });

  it('a value moved onto another webhook or tenant does not open, nor an altered one', async () => {
    const kms = new LocalDataKeys(localKey());
    const keys = memoryTenantKeys();
    const sealer = new TenantKeySealer(kms, keys);
    const sealed = await sealer.seal('whsec_x', acme('webhook_1'));
    await sealer.seal('whsec_y', { tenantId: 'globex', webhookId: 'webhook_1' });
    await expect(sealer.open(sealed, acme('webhook_2'))).rejects.toBeInstanceOf(SecretUnreadableError);
    await expect(sealer.open(sealed, { tenantId: 'globex', webhookId: 'webhook_1' })).rejects.toBeInstanceOf(
      SecretUnreadableError,
    );
    const [format, iv, body] = sealed.split(':');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0]! ^= 1;
    await expect(sealer.open([format, iv, flipped.toString('base64url')].join(':'), acme('webhook_1'))).rejects.toThrow(
      SecretUnreadableError,
    );
    // the tenant's key is bound to its tenant: globex's stored key does not open as acme's
    keys.keys.set('acme', keys.keys.get('globex')!);
    await expect(new TenantKeySealer(kms, keys).open(sealed, acme('webhook_1'))).rejects.toBeInstanceOf(
      SecretUnreadableError,
    );
  });

  it('makes one data key per tenant, stored once, in the context {tenantId, purpose}', async () => {
    const { provider, calls } = countingKms();
    const keys = memoryTenantKeys();
    const sealer = new TenantKeySealer(provider, keys);
    await Promise.all(['webhook_1', 'webhook_2', 'webhook_3'].map((id) => sealer.seal('whsec_s', acme(id))));
    expect(calls.generate).toBe(1);
    expect(calls.contexts).toEqual([{ tenantId: 'acme', purpose: 'signing-secrets' }]);
    expect([...keys.keys.keys()]).toEqual(['acme']);
  });

  it('two containers sealing a new tenant at once agree on the key the table kept', async () => {
    const key = localKey();
    const keys = memoryTenantKeys();
    const [first, second] = [
      new TenantKeySealer(new LocalDataKeys(key), keys),
      new TenantKeySealer(new LocalDataKeys(key), keys),
    ];
    const [a, b] = await Promise.all([
      first.seal('whsec_a', acme('webhook_1')),
      second.seal('whsec_b', acme('webhook_2')),
    ]);
    const third = new TenantKeySealer(new LocalDataKeys(key), keys);
    expect(await third.open(a, acme('webhook_1'))).toBe('whsec_a');
    expect(await third.open(b, acme('webhook_2'))).toBe('whsec_b');
  });

  it('refuses to open for a tenant with no key, and makes none while opening', async () => {
    const { provider, calls } = countingKms();
    const keys = memoryTenantKeys();
    await expect(
      new TenantKeySealer(provider, keys).open('s1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA', acme('w')),
    ).rejects.toBeInstanceOf(SecretUnreadableError);
    expect(calls.generate).toBe(0);
    expect(keys.keys.size).toBe(0);
  });

  it('delivery costs one KMS Decrypt per tenant per container, whatever the webhooks and deliveries', async () => {
    // Prepare: the API (one container) seals 300 webhooks' secrets for each of 3 tenants, previous secrets too
    const key = localKey();
    const keys = memoryTenantKeys();
    const api = new TenantKeySealer(new LocalDataKeys(key), keys);
    const tenants = ['acme', 'globex', 'initech'];
    const webhooks = await Promise.all(
      tenants.flatMap((tenantId) =>
        Array.from({ length: 300 }, async (_, index) => {
          const id = `webhook_${String(index).padStart(3, '0')}`;
          const context = { tenantId, webhookId: id };
          return aWebhook({
            tenantId,
            id,
            secret: undefined,
            sealedSecret: await api.seal(`whsec_${randomBytes(24).toString('base64')}`, context),
            previousSealedSecret: await api.seal(`whsec_${randomBytes(24).toString('base64')}`, context),
            previousSecretExpiresAt: '2999-01-01T00:00:00.000Z',
          });
        }),
      ),
    );
    // Act: a fresh deliver container signs 3 deliveries to each webhook (2,700 deliveries)
    const { provider, calls } = countingKms(key);
    const deliver = { secrets: new TenantKeySealer(provider, keys), privateKeys: testSealer() };
    const now = new Date();
    for (let round = 0; round < 3; round += 1) {
      await Promise.all(
        webhooks.map(async (webhook) => {
          const signed = signatureHeaders({
            messageId: 'evt_1',
            timestamp: now,
            body: '{}',
            ...(await signingKeys(webhook, now, deliver)),
          });
          expect(signed['webhook-signature']!.split(' ')).toHaveLength(2);
        }),
      );
    }
    // Assess: 3 Decrypts (one per tenant) for 2,700 deliveries, 0 GenerateDataKey
    expect(calls).toMatchObject({ decrypt: tenants.length, generate: 0 });
    console.log(`KMS calls for ${3 * webhooks.length} deliveries to ${webhooks.length} webhooks of 3 tenants:`, {
      decrypt: calls.decrypt,
      generateDataKey: calls.generate,
      perDelivery: calls.decrypt / (3 * webhooks.length),
    });
  });
});
