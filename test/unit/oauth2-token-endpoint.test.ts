import { describe, expect, it, vi } from 'vitest';
import { HttpTokenEndpoint, type TokenHttpClient } from '../../lambdas/adapters/oauth2-token-endpoint';

function endpointAnswering(answer: Awaited<ReturnType<TokenHttpClient['request']>>) {
  const request = vi.fn<TokenHttpClient['request']>().mockResolvedValue(answer);
  return { request, endpoint: new HttpTokenEndpoint({ request }) };
}

const credentials = { tokenUrl: 'https://auth.example.com/token', clientId: 'a b:c', clientSecret: 's+cret' };

describe('HttpTokenEndpoint (client credentials, client_secret_basic)', () => {
  it('POSTs the grant with form-encoded basic credentials, scope and audience', async () => {
    const { request, endpoint } = endpointAnswering({
      statusCode: 200,
      body: JSON.stringify({ access_token: 'tok', token_type: 'Bearer', expires_in: 120 }),
    });
    expect(await endpoint.fetch({ ...credentials, scope: 'a b', audience: 'https://api' })).toEqual({
      accessToken: 'tok',
      expiresInSeconds: 120,
    });
    const [url, sent] = request.mock.calls[0]!;
    expect(url).toBe(credentials.tokenUrl);
    expect(sent.method).toBe('POST');
    expect(sent.headers.Authorization).toBe(`Basic ${Buffer.from('a+b%3Ac:s%2Bcret').toString('base64')}`);
    expect(sent.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'a b',
      audience: 'https://api',
    });
  });

  it.each([
    [{ statusCode: 401, body: '{"error":"invalid_client","error_description":"bad secret s+cret"}' }, 'invalid_client'],
    [{ statusCode: 503, body: '<html>down</html>' }, 'HTTP 503'],
    [{ statusCode: 400, body: '{"error":"bad\\"quote"}' }, 'HTTP 400'],
    [{ error: 'connection_refused' }, 'connection_refused'],
    [{ statusCode: 200, body: '{"token_type":"Bearer"}' }, 'the answer holds no access_token'],
    [{ statusCode: 200, body: '{"access_token":"t","token_type":"mac"}' }, 'the token is not a bearer token'],
  ])('answers %j as the failure %j, quoting no body', async (answer, failure) => {
    const { endpoint } = endpointAnswering(answer);
    expect(await endpoint.fetch(credentials)).toEqual({ failure });
  });

  it('leaves the lifetime out when the server gives none', async () => {
    const { endpoint } = endpointAnswering({ statusCode: 200, body: '{"access_token":"t"}' });
    expect(await endpoint.fetch(credentials)).toEqual({ accessToken: 't' });
  });
});
