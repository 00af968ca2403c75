import { createHash, randomBytes } from 'node:crypto';

/** Long-lived API keys for code; short-lived portal tokens for the console's portal links (docs/design.md §13). */
export type CredentialKind = 'api-key' | 'portal-token';

/** An API key or portal token as stored: only the SHA-256 of it, never the credential itself. */
export interface ApiKeyRecord {
  keyHash: string;
  tenantId: string;
  name: string;
  /** Absent on keys minted before portal tokens existed: those are API keys. */
  kind?: CredentialKind;
  createdAt: string;
  revokedAt?: string;
  /** Epoch seconds (the table's TTL attribute); the credential is refused from then on. */
  expiresAt?: number;
}

const API_KEY_PREFIX = 'whk_';
export const PORTAL_TOKEN_PREFIX = 'whp_';

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function generatePortalToken(): string {
  return PORTAL_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Portal links are for a session in a browser, not for integrations: one hour unless asked, a day at most. */
export const PORTAL_TOKEN_TTL_SECONDS = { default: 3600, min: 60, max: 86_400 } as const;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The key from an `Authorization: Bearer <key>` header, or undefined when the header is missing or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  // one spelling only: each other spelling of the same key would be a WAF rate-limit key and an authorizer
  // cache entry of its own, letting one key escape its limit and reach the authorizer uncached
  // 4 KB: room for a JWT with a few claims, far under API Gateway's header limit
  const match = /^Bearer ([A-Za-z0-9_\-.~+/=]{8,4096})$/.exec(header ?? '');
  return match?.[1];
}

export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
