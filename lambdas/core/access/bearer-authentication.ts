import { PORTAL_TOKEN_PREFIX } from './api-keys';

/** Names the tenant of a credential, or nothing when the credential is not good. */
export interface TenantAuthenticator {
  tenantOf(credential: string): Promise<string | undefined>;
}

export interface BearerPolicy {
  /**
   * API keys (`whk_…`) are accepted; portal tokens (`whp_…`) are accepted either way, so portal links keep working.
   */
  apiKeys: boolean;
  /** Bearer JWTs of the team's issuer, when configured. */
  jwt?: TenantAuthenticator;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Who a bearer credential is (docs/design.md §14): a JWT goes to the team's issuer only, never to the key table;
 * anything else is one of our keys or portal tokens, looked up by hash.
 */
export function bearerAuthenticator(keys: TenantAuthenticator, policy: BearerPolicy): TenantAuthenticator {
  return {
    tenantOf: async (credential) => {
      if (JWT_SHAPE.test(credential)) return policy.jwt?.tenantOf(credential);
      if (!policy.apiKeys && !credential.startsWith(PORTAL_TOKEN_PREFIX)) return undefined;
      return keys.tenantOf(credential);
    },
  };
}
