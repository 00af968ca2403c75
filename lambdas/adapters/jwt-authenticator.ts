import { JwtVerifier } from 'aws-jwt-verify';
import { FetchError, JwksValidationError, JwtBaseError } from 'aws-jwt-verify/error';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { TENANT_ID_PATTERN } from '../core/access/api-keys';
import type { TenantAuthenticator } from '../core/access/bearer-authentication';
import { IdentityProviderUnavailableError } from '../core/common/errors';

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
  /** A token must carry `exp`, at most this many seconds after its `iat` and after now. */
  maxLifetimeSeconds: number;
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

/** A check of ours refused the token (a JwtBaseError, so that it is never taken for an outage). */
class TokenRefusedError extends JwtBaseError {}

/** Whether verification failed because the issuer could not be asked (its JWKS), rather than because of the token. */
const isProviderOutage = (error: unknown) =>
  !(error instanceof JwtBaseError) || error instanceof FetchError || error instanceof JwksValidationError;

/**
 * Verifies a bearer JWT with aws-jwt-verify (signature against the issuer's JWKS, `iss`, `aud`, `exp`, `nbf`) and
 * the algorithm allow-list, and names the tenant from its claim. A token that fails any check names no one. Also
 * refused: a `crit` header (RFC 7515 §4.1.11: no extension is understood here, so none may be required), and a
 * token without `exp` or living longer than `maxLifetimeSeconds` (it would otherwise work forever). When the JWKS
 * cannot be had (unreachable, hanging, not a JWKS), that is no verdict on the token: IdentityProviderUnavailableError.
 */
export function jwtAuthenticator(settings: JwtSettings): TenantAuthenticator {
  const allowed = new Set(settings.algorithms);
  const verifier = JwtVerifier.create(
    {
      issuer: settings.issuer,
      audience: settings.audience,
      ...(settings.jwksUrl ? { jwksUri: settings.jwksUrl } : {}),
      customJwtCheck: ({ header, payload }) => {
        if (!allowed.has(header.alg as string)) throw new TokenRefusedError(`algorithm ${header.alg} is not allowed`);
        if (header.crit !== undefined)
          throw new TokenRefusedError('the token requires extensions (crit) this API does not know');
        checkLifetime(payload, settings.maxLifetimeSeconds);
      },
    },
    settings.allowLoopbackJwks ? { jwksCache: new SimpleJwksCache({ fetcher: loopbackFetcher }) } : undefined,
  );
  return {
    tenantOf: async (token) => {
      try {
        const claim = (await verifier.verify(token))[settings.tenantClaim];
        return typeof claim === 'string' && TENANT_ID_PATTERN.test(claim) ? claim : undefined;
      } catch (error) {
        if (isProviderOutage(error))
          throw new IdentityProviderUnavailableError(String((error as Error)?.message ?? error));
        return undefined;
      }
    },
  };
}

function checkLifetime(payload: { exp?: unknown; iat?: unknown }, maxLifetimeSeconds: number): void {
  const { exp, iat } = payload;
  if (typeof exp !== 'number') throw new TokenRefusedError('the token has no exp');
  const now = Date.now() / 1000;
  const longest = Math.max(exp - now, typeof iat === 'number' ? exp - iat : 0);
  if (longest > maxLifetimeSeconds) throw new TokenRefusedError(`the token lives longer than ${maxLifetimeSeconds} s`);
}
