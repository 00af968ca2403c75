import type { SealContext, SecretSealer } from '../../lambdas/core/shared/secret-sealer';

const contextOf = ({ tenantId, webhookId }: SealContext) => `${tenantId}/${webhookId}`;

/** A sealer for unit tests: reversible without a key, but bound to its context as the real one is. */
export function testSealer(): SecretSealer {
  return {
    async seal(plaintext, context) {
      return `test:${Buffer.from(contextOf(context)).toString('base64url')}:${Buffer.from(plaintext).toString('base64url')}`;
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
