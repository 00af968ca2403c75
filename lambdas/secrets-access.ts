/**
 * What a function does with sealed endpoint secrets (lambdas/core/shared/secret-sealer.ts), as the KMS actions it needs on
 * the stack's SecretsKey: sealing asks for a data key (GenerateDataKey), opening has one decrypted (Decrypt).
 * `WebhooksFunction.bindSecretsKey` grants exactly these; a function with none gets neither the key nor its ARN.
 */
export const SECRETS_ACCESS = {
  seal: ['kms:GenerateDataKey'],
  open: ['kms:Decrypt'],
  sealAndOpen: ['kms:GenerateDataKey', 'kms:Decrypt'],
} as const;

export type SecretsAccess = (typeof SECRETS_ACCESS)[keyof typeof SECRETS_ACCESS];

/** The encryption context every sealed secret carries (`SealContext`); the key's grants accept no other. */
export const SEAL_CONTEXT_KEYS = ['tenantId', 'webhookId'] as const;
