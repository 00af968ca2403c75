import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { TENANT_ID_PATTERN } from '../core/api-keys';
import type { TenantAuthenticator } from '../core/bearer-authentication';

export interface JwtSettings {
  issuer: string;
  audience: string;
  /** The claim whose value is the tenant: a tenant id (1–64 letters, digits, ".", "_" or "-"). */
  tenantClaim: string;
  jwksUrl?: string;
  /** The signature algorithms accepted (`alg` of the token's header). */
  algorithms: readonly string[];
  /** A JWKS on plain http at a loopback address (local mode only; aws-jwt-verify fetches https only). */
  allowLoopbackJwks: boolean;
}

const LOOPBACK_HTTP = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//;

/** aws-jwt-verify's fetcher interface, for a local identity provider on loopback http. */
const loopbackFetcher = {
  fetch: async (uri: string): Promise<ArrayBuffer> => {
    if (!LOOPBACK_HTTP.test(uri)) throw new Error(`refusing to fetch a JWKS over http from ${uri}`);
    const response = await fetch(uri, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) throw new Error(`JWKS ${uri}: HTTP ${response.status}`);
    return response.arrayBuffer();
  },
};

/**
 * Verifies a bearer JWT with aws-jwt-verify (signature against the issuer's JWKS, `iss`, `aud`, `exp`, `nbf`) and
 * the algorithm allow-list, and names the tenant from its claim. A token that fails any check names no one.
 */
export function jwtAuthenticator(settings: JwtSettings): TenantAuthenticator {
  const allowed = new Set(settings.algorithms);
  const verifier = JwtVerifier.create(
    {
      issuer: settings.issuer,
      audience: settings.audience,
      ...(settings.jwksUrl ? { jwksUri: settings.jwksUrl } : {}),
      customJwtCheck: ({ header }) => {
        if (!allowed.has(header.alg as string)) throw new Error(`algorithm ${header.alg} is not allowed`);
      },
    },
    settings.allowLoopbackJwks ? { jwksCache: new SimpleJwksCache({ fetcher: loopbackFetcher }) } : undefined,
  );
  return {
    tenantOf: async (token) => {
      try {
        const claim = (await verifier.verify(token))[settings.tenantClaim];
        return typeof claim === 'string' && TENANT_ID_PATTERN.test(claim) ? claim : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
