import type { TokenAnswer, TokenEndpoint, TokenRequest } from '../core/delivery/oauth2-tokens';

/** A token answer is small; a JWT access token with many claims still fits. */
const TOKEN_ANSWER_BYTES = 16_384;
/** RFC 6749 §5.2: an error code is a few printable ASCII characters, never quotes or backslashes. */
const ERROR_CODE = /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

/** What a token request needs of the SSRF-guarded HTTP client (adapters/guarded-http-client.ts). */
export interface TokenHttpClient {
  request(
    url: string,
    request: { method: string; headers: Record<string, string>; body: string; responseBytes: number },
  ): Promise<{ statusCode?: number; error?: string; body?: string }>;
}

/** RFC 6749 §2.3.1: client id and secret are form-encoded before they are joined for basic authentication. */
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

/**
 * The client credentials grant (RFC 6749 §4.4) with `client_secret_basic`, sent through the deliver lane's
 * SSRF-guarded client: a token URL gets the same checks as a webhook's URL, on every request. Reasons name the
 * status or the endpoint's error code, never a body (which could hold a token).
 */
export class HttpTokenEndpoint implements TokenEndpoint {
  constructor(private readonly client: TokenHttpClient) {}

  async fetch({ tokenUrl, clientId, clientSecret, scope, audience }: TokenRequest): Promise<TokenAnswer> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) form.set('scope', scope);
    if (audience) form.set('audience', audience);
    const answer = await this.client.request(tokenUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
        Authorization: `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`,
      },
      body: form.toString(),
      responseBytes: TOKEN_ANSWER_BYTES,
    });
    if (answer.statusCode === undefined) return { failure: answer.error ?? 'network_error: unknown' };
    const body = parseJson(answer.body);
    if (answer.statusCode < 200 || answer.statusCode >= 300) {
      const code = body?.error;
      return { failure: typeof code === 'string' && ERROR_CODE.test(code) ? code : `HTTP ${answer.statusCode}` };
    }
    const accessToken = body?.access_token;
    if (typeof accessToken !== 'string' || accessToken.length === 0) {
      return { failure: 'the answer holds no access_token' };
    }
    if (typeof body!.token_type === 'string' && body!.token_type.toLowerCase() !== 'bearer') {
      return { failure: 'the token is not a bearer token' };
    }
    const expiresIn = Number(body!.expires_in);
    return { accessToken, ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresInSeconds: expiresIn } : {}) };
  }
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text ?? '');
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
