import { randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const GENERATED_SECRET_BYTES = 24;
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;

/** A Standard Webhooks secret: `whsec_` + standard base64 of 24 random bytes from the CSPRNG. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(GENERATED_SECRET_BYTES).toString('base64');
}

/**
 * The key bytes of a `whsec_` secret, or undefined when it is not strict standard base64 (the
 * `standardwebhooks` verifier rejects URL-safe characters and bad padding, so we must too).
 */
export function decodeSecret(secret: string): Buffer | undefined {
  if (!secret.startsWith(SECRET_PREFIX)) return undefined;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  return bytes.toString('base64') === encoded ? bytes : undefined;
}

export function isAcceptableSecret(secret: string): boolean {
  const bytes = decodeSecret(secret);
  return bytes !== undefined && bytes.length >= MIN_SECRET_BYTES && bytes.length <= MAX_SECRET_BYTES;
}
