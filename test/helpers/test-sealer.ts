import type { SealContext, SecretSealer } from '../../lambdas/core/common/secret-sealer';
import type { TenantKeyStore } from '../../lambdas/core/common/tenant-key-sealer';
import type { SigningSealers } from '../../lambdas/core/webhooks/signing-keys';

const contextOf = ({ tenantId, webhookId }: SealContext) => `${tenantId}/${webhookId}`;

/** A sealer for unit tests: reversible without a key, but bound to its context as the real one is. */
export function testSealer(): SecretSealer {
  return {
    async seal(plaintext, context) {
      const encoded = (text: string) => Buffer.from(text).toString('base64url');
      return `test:${encoded(contextOf(context))}:${encoded(plaintext)}`;
    },
    async open(sealed, context) {
      const [format, sealedFor, data] = sealed.split(':');
      if (format !== 'test' || Buffer.from(sealedFor!, 'base64url').toString() !== contextOf(context)) {
        throw new Error('sealed for another webhook');
      }
      return Buffer.from(data!, 'base64url').toString();
    },
  };
}

/** The sealers of a webhook's signing keys for unit tests: both the test sealer. */
export function testSigningSealers(): SigningSealers {
  return { secrets: testSealer(), privateKeys: testSealer() };
}

/** Tenants' data keys in memory, as the table keeps them: the first kept stays. */
export function memoryTenantKeys(): TenantKeyStore & { keys: Map<string, Uint8Array> } {
  const keys = new Map<string, Uint8Array>();
  return {
    keys,
    async read(tenantId) {
      return keys.get(tenantId);
    },
    async keep(tenantId, encrypted) {
      if (!keys.has(tenantId)) keys.set(tenantId, encrypted);
      return keys.get(tenantId)!;
    },
  };
}
