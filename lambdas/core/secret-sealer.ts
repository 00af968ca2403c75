/**
 * Whose secret a sealed value is. It is bound into the data key (the KMS encryption context) and into the
 * ciphertext (AES-GCM's additional data), so a value copied onto another webhook or tenant does not open.
 */
export interface SealContext {
  tenantId: string;
  webhookId: string;
}

/** Encrypts secrets kept in the table (client secrets, passwords, private keys) so that reading the table reveals none. */
export interface SecretSealer {
  /** `v1:…`, safe to store; never the plaintext. */
  seal(plaintext: string, context: SealContext): Promise<string>;
  /** The plaintext, or a `SecretUnreadableError` (tampered, another context, unknown format). */
  open(sealed: string, context: SealContext): Promise<string>;
}
