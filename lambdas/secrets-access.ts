import { TENANT_KEY_PURPOSE } from './core/common/tenant-key-sealer';

/**
 * What a function does with sealed secrets, as the KMS actions it needs on the stack's SecretsKey, for each of the
 * two kinds of data key: a webhook's own (its endpoint secrets and ed25519 private keys,
 * lambdas/core/common/secret-sealer.ts) and its tenant's (HMAC signing secrets,
 * lambdas/core/common/tenant-key-sealer.ts). Sealing asks for a data key (GenerateDataKey), opening has one decrypted
 * (Decrypt). `WebhooksFunction.bindSecretsKey` grants exactly these; a function with none gets neither the key nor
 * its ARN.
 */
export interface SecretsAccess {
  webhookKeys: readonly ('kms:GenerateDataKey' | 'kms:Decrypt')[];
  tenantKeys: readonly ('kms:GenerateDataKey' | 'kms:Decrypt')[];
}

export const SECRETS_ACCESS = {
  /**
   * The API routes that write a webhook: a new data key for its endpoint secrets and ed25519 key; its signing secret
   * sealed under the tenant's key, made on the tenant's first seal (GenerateDataKey), else opened (Decrypt).
   */
  writeWebhook: { webhookKeys: ['kms:GenerateDataKey'], tenantKeys: ['kms:GenerateDataKey', 'kms:Decrypt'] },
  /** The deliver lanes: open a webhook's secrets and keys, seal the OAuth2 tokens they cache, open signing secrets. */
  deliver: { webhookKeys: ['kms:GenerateDataKey', 'kms:Decrypt'], tenantKeys: ['kms:Decrypt'] },
} as const satisfies Record<string, SecretsAccess>;

/** The encryption context of a webhook's data key (`SealContext`); its grants accept no other. */
export const SEAL_CONTEXT_KEYS = ['tenantId', 'webhookId'] as const;

/** The encryption context of a tenant's signing-secret data key (`tenantKeyContext`): the tenant and its purpose. */
export const TENANT_KEY_CONTEXT_KEYS = ['tenantId', 'purpose'] as const;
export { TENANT_KEY_PURPOSE };
