import { createHash, randomBytes } from 'node:crypto';

/** An API key as stored: only the SHA-256 of the key, never the key itself. */
export interface ApiKeyRecord {
  keyHash: string;
  tenantId: string;
  name: string;
  createdAt: string;
  revokedAt?: string;
}

const API_KEY_PREFIX = 'whk_';

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The key from an `Authorization: Bearer <key>` header, or undefined when the header is missing or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9_\-.~+/=]{8,512})$/i.exec(header?.trim() ?? '');
  return match?.[1];
}

export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
