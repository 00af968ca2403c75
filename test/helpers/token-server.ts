import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenRequestSeen {
  headers: IncomingHttpHeaders;
  form: URLSearchParams;
}

export interface TokenServer {
  url: string;
  /** Every request, in order. */
  requests: TokenRequestSeen[];
  /** Tokens issued and not revoked: what a receiver accepts. */
  valid: Set<string>;
  /** The client the server knows (client_secret_basic). */
  clients: Map<string, string>;
  /** Lifetime of the tokens it issues. */
  expiresInSeconds: number;
  /** While set, every request is answered with this status and no token. */
  downWith?: number;
  stop(): Promise<void>;
}

/**
 * An OAuth2 authorization server for tests: the client credentials grant with client_secret_basic (RFC 6749
 * §2.3.1, §4.4), tokens `token-<n>`, `invalid_client` for wrong credentials, and an outage switch.
 */
export async function startTokenServer(): Promise<TokenServer> {
  const server: TokenServer = {
    url: '',
    requests: [],
    valid: new Set(),
    clients: new Map(),
    expiresInSeconds: 3600,
    stop: async () => undefined,
  };
  const http = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    server.requests.push({ headers: request.headers, form });
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(body));
    };
    if (server.downWith) return answer(server.downWith, { message: 'down for maintenance' });
    const [scheme, encoded = ''] = String(request.headers.authorization ?? '').split(' ');
    const [id = '', secret = ''] = Buffer.from(encoded, 'base64')
      .toString('utf8')
      .split(':')
      .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
    if (scheme !== 'Basic' || server.clients.get(id) !== secret) return answer(401, { error: 'invalid_client' });
    if (form.get('grant_type') !== 'client_credentials') return answer(400, { error: 'unsupported_grant_type' });
    const token = `token-${server.requests.length}`;
    server.valid.add(token);
    answer(200, { access_token: token, token_type: 'Bearer', expires_in: server.expiresInSeconds });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  server.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/oauth/token`;
  server.stop = async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  };
  return server;
}
