/**
 * `serverless-webhooks/admin`: the typed client of the operator plane (docs/design.md §16), generated from
 * docs/openapi-admin.yaml (admin-api.ts), whose every request is signed with SigV4 by the AWS SDK's own signer with
 * the default credential chain (environment, profile, SSO, container or instance role), or credentials given.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { AdminApi } from './admin-api';

export * from './admin-api';

/** Credentials as the AWS SDK's signer takes them: an identity or a provider of one. */
export type AdminCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface AdminClientOptions {
  /** The stack's ApiUrl output (the stage's URL, or the team's domain). */
  baseUrl: string;
  /** The API's region: read from an execute-api URL, else AWS_REGION; needed with a custom domain. */
  region?: string;
  /** Default: the AWS SDK's default credential chain. */
  credentials?: AdminCredentials;
}

function regionOf(baseUrl: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(new URL(baseUrl).hostname)?.[1] ?? process.env.AWS_REGION;
}

/** A fetch that signs each request for API Gateway (`execute-api`) before sending it. */
export function signingFetch(signer: SignatureV4): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers: Record<string, string> = Object.fromEntries(new Headers(init.headers).entries());
    const query: Record<string, string | string[]> = {};
    for (const name of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(name);
      query[name] = values.length === 1 ? values[0]! : values;
    }
    const body = typeof init.body === 'string' ? init.body : undefined;
    if (init.body != null && body === undefined) throw new Error('the admin client signs text bodies only');
    const signed = await signer.sign(
      new HttpRequest({
        method: init.method ?? 'GET',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query,
        headers: { ...headers, host: url.host },
        ...(body === undefined ? {} : { body }),
      }),
    );
    const { host: _host, ...sent } = signed.headers;
    return fetch(url, { ...init, headers: sent });
  };
}

/**
 * The admin API's client: `adminClient({ baseUrl }).admin.putTenant('acme', { settings: { maxWebhooks: 10 } })`.
 * Errors reject with the response, whose `error` is the API's error shape.
 */
export function adminClient({ baseUrl, region, credentials }: AdminClientOptions): AdminApi<unknown> {
  const signer = new SignatureV4({
    credentials: credentials ?? defaultProvider(),
    region: region ?? regionOf(baseUrl) ?? 'us-east-1',
    service: 'execute-api',
    sha256: Hash.bind(null, 'sha256'),
  });
  return new AdminApi({ baseUrl: baseUrl.replace(/\/+$/, ''), customFetch: signingFetch(signer) });
}
