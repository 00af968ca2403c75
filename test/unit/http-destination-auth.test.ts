import { describe, expect, it, vi } from 'vitest';
import type { EndpointCredentials } from '../../lambdas/adapters/destinations/endpoint-credentials';
import { HttpDestination } from '../../lambdas/adapters/destinations/http-destination';
import type { GuardedHttpClient } from '../../lambdas/adapters/guarded-http-client';
import { aTask, aWebhook } from '../helpers/factories';
import { testSigningSealers } from '../helpers/test-sealer';

const oauth2 = {
  type: 'oauth2_client_credentials' as const,
  tokenUrl: 'https://auth.example.com/token',
  clientId: 'c',
  sealedClientSecret: 'v1:x',
};

/** The HTTP destination over a stubbed network and stubbed credentials: what each request carried. */
function destination(statuses: number[], credentials: EndpointCredentials['for']) {
  const request = vi.fn<GuardedHttpClient['request']>(async () => ({
    statusCode: statuses.shift() ?? 200,
    durationMs: 1,
    headers: {},
  }));
  const credentialsFor = vi.fn(credentials);
  const http = new HttpDestination(
    { request } as unknown as GuardedHttpClient,
    { for: credentialsFor },
    testSigningSealers(),
  );
  return { http, request, credentialsFor };
}

const attempt = (http: HttpDestination, webhook = aWebhook({ auth: oauth2 })) =>
  http.attempt({ task: aTask(), webhook, startedAt: new Date() });

describe('HttpDestination with endpoint auth', () => {
  it('never asks for credentials for a webhook without auth or tls', async () => {
    const { http, credentialsFor } = destination([200], async () => ({}));
    expect(await attempt(http, aWebhook())).toMatchObject({ kind: 'delivered' });
    expect(credentialsFor).not.toHaveBeenCalled();
  });

  it('sends its Authorization over a custom header of the same name, and the client certificate', async () => {
    const tls = { poolKey: 'p', certificate: 'C', privateKey: 'K' };
    const { http, request } = destination([200], async () => ({ authorization: 'Basic eA==', tls }));
    await attempt(
      http,
      aWebhook({
        headers: { Authorization: 'custom' },
        auth: { type: 'basic', username: 'u', sealedPassword: 'v1:p' },
      }),
    );
    expect(request.mock.calls[0]![1].headers.Authorization).toBe('Basic eA==');
    expect(request.mock.calls[0]![1].tls).toBe(tls);
  });

  it('replaces a refused bearer token once, in the same attempt', async () => {
    const { http, request, credentialsFor } = destination([401, 200], async (_webhook, rejected) =>
      rejected ? { authorization: 'Bearer new', bearer: 'new' } : { authorization: 'Bearer old', bearer: 'old' },
    );
    expect(await attempt(http)).toMatchObject({ kind: 'delivered', statusCode: 200 });
    expect(credentialsFor.mock.calls[1]![1]).toBe('old');
    expect(request.mock.calls.map(([, sent]) => sent.headers.Authorization)).toEqual(['Bearer old', 'Bearer new']);
  });

  it('counts a second 401 as the failed attempt, without a third request', async () => {
    const { http, request } = destination([401, 401], async (_webhook, rejected) =>
      rejected ? { authorization: 'Bearer new', bearer: 'new' } : { authorization: 'Bearer old', bearer: 'old' },
    );
    expect(await attempt(http)).toMatchObject({ kind: 'failed', reason: 'HTTP 401' });
    expect(request).toHaveBeenCalledTimes(2);
  });

  it('answers a token endpoint failure as a failed attempt with its reason, sending nothing', async () => {
    const { http, request } = destination([], async () => ({ failure: 'token_endpoint: HTTP 503' }));
    expect(await attempt(http)).toEqual({ kind: 'failed', reason: 'token_endpoint: HTTP 503' });
    expect(request).not.toHaveBeenCalled();
  });
});
