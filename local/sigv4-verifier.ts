import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** The one credential the local stack's `/admin` accepts (API Gateway checks IAM instead; docs/design.md §16). */
export interface AdminCredential {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Defaults printed by `npm start`; LOCAL_ADMIN_ACCESS_KEY_ID / LOCAL_ADMIN_SECRET_ACCESS_KEY replace them. */
export const DEFAULT_LOCAL_ADMIN_CREDENTIAL: AdminCredential = {
  accessKeyId: 'LOCALADMINKEY',
  secretAccessKey: 'local-admin-secret',
};

export function localAdminCredential(environment: NodeJS.ProcessEnv = process.env): AdminCredential {
  return {
    accessKeyId: environment.LOCAL_ADMIN_ACCESS_KEY_ID ?? DEFAULT_LOCAL_ADMIN_CREDENTIAL.accessKeyId,
    secretAccessKey: environment.LOCAL_ADMIN_SECRET_ACCESS_KEY ?? DEFAULT_LOCAL_ADMIN_CREDENTIAL.secretAccessKey,
  };
}

/** API Gateway refuses a signature whose date is further than this from its clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

export interface SignedRequest {
  method: string;
  /** The path as it came on the wire (still %-encoded), and its query. */
  path: string;
  query: URLSearchParams;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array;
}

export type Verdict = { ok: true } | { ok: false; refusal: 'missing' | 'invalid' | 'expired' };

const AUTHORIZATION = new RegExp(
  '^AWS4-HMAC-SHA256 Credential=([^/,\\s]+)/(\\d{8})/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request,' +
    '\\s*SignedHeaders=([a-z0-9;-]+),\\s*Signature=([0-9a-f]{64})$',
);

function amzDate(value: string | undefined): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  return new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
}

/**
 * Checks a request's SigV4 signature as API Gateway does for `AWS_IAM` methods: the credential is the admin one,
 * the date is within 15 minutes, and the signature computed afresh over the canonical request (method, path, query,
 * the headers it names, the body's hash) with the AWS SDK's own signer is the one the request carries.
 */
export async function verifySigV4(
  request: SignedRequest,
  credential: AdminCredential,
  now: Date = new Date(),
): Promise<Verdict> {
  const authorization = request.headers.authorization;
  if (!authorization) return { ok: false, refusal: 'missing' };
  const match = AUTHORIZATION.exec(authorization);
  if (!match) return { ok: false, refusal: 'invalid' };
  const [, accessKeyId, scopeDate, region, service, signedHeaderList, signature] = match as unknown as string[];
  const date = amzDate(request.headers['x-amz-date']);
  if (!date) return { ok: false, refusal: 'invalid' };
  if (Math.abs(now.getTime() - date.getTime()) > MAX_CLOCK_SKEW_MS) return { ok: false, refusal: 'expired' };
  if (accessKeyId !== credential.accessKeyId || service !== 'execute-api') return { ok: false, refusal: 'invalid' };
  if (scopeDate !== request.headers['x-amz-date']!.slice(0, 8)) return { ok: false, refusal: 'invalid' };

  const signedNames = signedHeaderList!.split(';');
  if (!signedNames.includes('host') || signedNames.some((name) => request.headers[name] === undefined))
    return { ok: false, refusal: 'invalid' };
  const claimedHash = request.headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== createHash('sha256').update(request.body).digest('hex'))
    return { ok: false, refusal: 'invalid' };

  const query: Record<string, string | string[]> = {};
  for (const name of new Set(request.query.keys())) {
    const values = request.query.getAll(name);
    query[name] = values.length === 1 ? values[0]! : values;
  }
  const signer = new SignatureV4({
    credentials: credential,
    region: region!,
    service: service!,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  });
  const resigned = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: request.headers.host!,
      path: request.path,
      query,
      headers: Object.fromEntries(signedNames.map((name) => [name, request.headers[name]!])),
      body: request.body.length ? request.body : undefined,
    }),
    { signingDate: date, signableHeaders: new Set(signedNames) },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(resigned.headers.authorization ?? '')?.[1] ?? '';
  const same = expected.length === signature!.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature!));
  return same ? { ok: true } : { ok: false, refusal: 'invalid' };
}
