import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resourcesOfType, synthesizeWithContext } from './synthesize';
import { STEP_TIMEOUT_MS } from '../helpers/step-timeouts';

const authVariables = (template: Template) =>
  resourcesOfType(template, 'AWS::Lambda::Function')
    .map(
      ([id, fn]) =>
        [
          id,
          Object.fromEntries(
            Object.entries((fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>).filter(([name]) =>
              name.startsWith('AUTH_'),
            ),
          ),
        ] as const,
    )
    .filter(([, variables]) => Object.keys(variables).length > 0);

describe("The API's credentials (context auth)", { timeout: STEP_TIMEOUT_MS.synthesis }, () => {
  it('takes API keys only by default, and tells only the authorizer', () => {
    // Act
    const variables = authVariables(synthesizeWithContext({}));

    // Assess
    expect(variables).toEqual([[expect.stringMatching(/^ApiAuthorizer/), { AUTH_API_KEYS: 'true' }]]);
  });

  it("gives the JWT-mode authorizer the team's issuer, audience, tenant claim, algorithms, longest lifetime", () => {
    // Prepare
    const auth = {
      apiKeys: false,
      jwt: {
        issuer: 'https://auth.example.com/',
        audience: 'webhooks',
        tenantClaim: 'org_id',
        algorithms: ['RS256', 'ES256'],
        maxLifetimeSeconds: 3600,
      },
    };

    // Act
    const variables = authVariables(synthesizeWithContext({ auth: JSON.stringify(auth) }));

    // Assess
    expect(variables.map(([, v]) => v)).toEqual([
      {
        AUTH_API_KEYS: 'false',
        AUTH_JWT_ISSUER: 'https://auth.example.com/',
        AUTH_JWT_AUDIENCE: 'webhooks',
        AUTH_JWT_TENANT_CLAIM: 'org_id',
        AUTH_JWT_ALGORITHMS: 'RS256,ES256',
        AUTH_JWT_MAX_LIFETIME_SECONDS: '3600',
      },
    ]);
  });

  it('refuses an issuer that is not https, and a JWT setting without its tenant claim', () => {
    // Assess
    expect(() =>
      synthesizeWithContext({
        auth: { apiKeys: true, jwt: { issuer: 'http://auth.example.com/', audience: 'w', tenantClaim: 'org' } },
      }),
    ).toThrow(/auth\.jwt\.issuer: must be an https URL/);
    expect(() =>
      synthesizeWithContext({ auth: { apiKeys: true, jwt: { issuer: 'https://auth.example.com/', audience: 'w' } } }),
    ).toThrow(/auth\.jwt\.tenantClaim/);
  });
});
