import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { DEFAULT_LOCAL_ADMIN_CREDENTIAL, type AdminCredential } from '../../local/sigv4-verifier';
import type { ApiResponse } from './test-platform';

/**
 * A request to the local gateway signed with SigV4 for execute-api by the AWS SDK's own signer (@smithy/signature-v4),
 * as the team's backend signs its admin calls, sent with fetch.
 */
export async function signedRequest(
  apiUrl: string,
  method: string,
  path: string,
  {
    body,
    credential = DEFAULT_LOCAL_ADMIN_CREDENTIAL,
    signingDate = new Date(),
  }: { body?: unknown; credential?: AdminCredential; signingDate?: Date } = {},
): Promise<ApiResponse> {
  const url = new URL(`${apiUrl}${path}`);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const signer = new SignatureV4({
    credentials: credential,
    region: 'us-east-1',
    service: 'execute-api',
    sha256: Hash.bind(null, 'sha256'),
  });
  const request = await signer.sign(
    new HttpRequest({
      method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host, ...(text ? { 'content-type': 'application/json' } : {}) },
      body: text,
    }),
    { signingDate },
  );
  const { host: _host, ...headers } = request.headers;
  const response = await fetch(url, { method, headers, body: text });
  const answer = await response.text();
  return { status: response.status, headers: response.headers, body: answer ? JSON.parse(answer) : undefined };
}
