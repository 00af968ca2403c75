/**
 * `serverless-webhooks/verify`: checks a delivery's signature, for every scheme the platform sends
 * (docs/design.md §8, §18). WebCrypto only (`globalThis.crypto.subtle`, `atob`, `TextEncoder`), no Node module
 * and no dependency, so the same code runs in Node 20+, browsers, Deno, Bun, Cloudflare Workers and Vercel Edge.
 *
 * - Standard Webhooks `v1` (HMAC-SHA256 with a `whsec_` secret) and `v1a` (ed25519 with a `whpk_` public key):
 *   `webhook-id`, `webhook-timestamp`, `webhook-signature` (also under their `svix-` names), the timestamp within
 *   `toleranceSeconds` of now, any one of the space-separated signatures matching any one of the keys given.
 * - The legacy `X-Verifik-Signature: sha256=<hex>` (HMAC-SHA256 keyed with the secret's text over the body): it
 *   carries no timestamp, so a captured delivery can be replayed for ever; it is accepted only with
 *   `allowSha256WithoutTimestamp`, and only when the Standard Webhooks headers are absent (they cannot be stripped
 *   to fall back to it).
 *
 * Comparisons are WebCrypto's `verify`, which compares in constant time.
 */

/** What went wrong, for a receiver's logs and metrics; the message says it in words. */
export type VerificationFailure =
  /** No signature header the options allow (nor `webhook-id`/`webhook-timestamp` next to `webhook-signature`). */
  | 'missing_headers'
  /**
   * A header is there but malformed: a timestamp that is not whole seconds, a signature that is not
   * `v…,<base64>`.
   */
  | 'invalid_header'
  /** The timestamp is further in the past than the tolerance: a replay, or a clock far behind. */
  | 'timestamp_too_old'
  /** The timestamp is further in the future than the tolerance: a clock far ahead. */
  | 'timestamp_too_new'
  /** Well-formed, in time, but no signature matches any key given (a forged or altered delivery, or the wrong key). */
  | 'no_matching_signature'
  /**
   * The keys given cannot be used: none at all, a secret that is not base64, a public key that is not `whpk_` + 32
   * bytes.
   */
  | 'invalid_key';

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';

  constructor(
    readonly code: VerificationFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface VerificationKeys {
  /** A `whsec_…` secret (HMAC, `v1` and the legacy header). */
  secret?: string;
  /** Several secrets: during a rotation, the old and the new one. */
  secrets?: readonly string[];
  /** A `whpk_…` public key (ed25519, `v1a`). */
  publicKey?: string;
  /** Several public keys: during a rotation, the old and the new one. */
  publicKeys?: readonly string[];
}

export interface VerifyOptions {
  /** How far the timestamp may be from now, either way; default 300 (the Standard Webhooks libraries' default). */
  toleranceSeconds?: number;
  /** The clock; default `new Date()`. */
  now?: Date;
  /** Accept `X-Verifik-Signature: sha256=…` alone (no timestamp, so no replay protection); default false. */
  allowSha256WithoutTimestamp?: boolean;
}

export interface VerifiedWebhook {
  /** The scheme whose signature matched. */
  scheme: 'v1' | 'v1a' | 'sha256';
  /** `webhook-id`: the same on every retry of a delivery, the key to drop duplicates by (absent for `sha256`). */
  id?: string;
  /** `webhook-timestamp` (absent for `sha256`). */
  timestamp?: Date;
}

/** Node's `IncomingHttpHeaders`, a plain object, or a fetch `Headers`. */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export type RawBody = string | Uint8Array | ArrayBuffer;

const DEFAULT_TOLERANCE_SECONDS = 300;
const SECRET_PREFIX = 'whsec_';
const PUBLIC_KEY_PREFIX = 'whpk_';
const ED25519_PUBLIC_KEY_BYTES = 32;
const LEGACY_HEADER = 'x-verifik-signature';

/**
 * Verifies a delivery from its raw body (exactly as received: parse it only after this) and its headers; resolves
 * to what was verified, rejects with a WebhookVerificationError saying which check failed.
 */
export async function verifyWebhook(
  rawBody: RawBody,
  headers: WebhookHeaders,
  keys: VerificationKeys,
  options: VerifyOptions = {},
): Promise<VerifiedWebhook> {
  const secrets = [...(keys.secret !== undefined ? [keys.secret] : []), ...(keys.secrets ?? [])];
  const publicKeys = [...(keys.publicKey !== undefined ? [keys.publicKey] : []), ...(keys.publicKeys ?? [])];
  if (!secrets.length && !publicKeys.length) {
    throw new WebhookVerificationError('invalid_key', 'no secret or public key was given to verify with');
  }
  const body = toBytes(rawBody);
  const signatureHeader = header(headers, 'webhook-signature') ?? header(headers, 'svix-signature');
  if (signatureHeader !== undefined) {
    return verifyStandard(body, headers, signatureHeader, secrets, publicKeys, options);
  }
  const legacy = header(headers, LEGACY_HEADER);
  if (legacy !== undefined && options.allowSha256WithoutTimestamp) return verifyLegacy(body, legacy, secrets);
  throw new WebhookVerificationError(
    'missing_headers',
    legacy !== undefined
      ? 'only X-Verifik-Signature is present: it has no timestamp, ' +
          'so it is accepted only with allowSha256WithoutTimestamp'
      : 'no webhook-signature header',
  );
}

async function verifyStandard(
  body: Uint8Array,
  headers: WebhookHeaders,
  signatureHeader: string,
  secrets: readonly string[],
  publicKeys: readonly string[],
  options: VerifyOptions,
): Promise<VerifiedWebhook> {
  const id = header(headers, 'webhook-id') ?? header(headers, 'svix-id');
  const timestampText = header(headers, 'webhook-timestamp') ?? header(headers, 'svix-timestamp');
  if (id === undefined || timestampText === undefined) {
    throw new WebhookVerificationError('missing_headers', 'webhook-signature needs webhook-id and webhook-timestamp');
  }
  if (!/^\d{1,15}$/.test(timestampText)) {
    throw new WebhookVerificationError('invalid_header', 'webhook-timestamp is not a whole number of seconds');
  }
  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (timestamp < nowSeconds - tolerance) {
    throw new WebhookVerificationError('timestamp_too_old', `webhook-timestamp is more than ${tolerance} s old`);
  }
  if (timestamp > nowSeconds + tolerance) {
    throw new WebhookVerificationError('timestamp_too_new', `webhook-timestamp is more than ${tolerance} s ahead`);
  }
  const signatures = parseSignatures(signatureHeader);
  const content = concat(new TextEncoder().encode(`${id}.${timestampText}.`), body);
  const verified = { id, timestamp: new Date(timestamp * 1000) };
  const v1 = signatures.filter((signature) => signature.version === 'v1');
  if (v1.length) {
    for (const secret of secrets) {
      const key = await hmacKey(secretBytes(secret));
      for (const { bytes } of v1) {
        if (await crypto.subtle.verify('HMAC', key, bytes, content)) return { scheme: 'v1', ...verified };
      }
    }
  }
  const v1a = signatures.filter((signature) => signature.version === 'v1a');
  if (v1a.length) {
    for (const publicKey of publicKeys) {
      const key = await ed25519Key(publicKey);
      for (const { bytes } of v1a) {
        if (await crypto.subtle.verify('Ed25519', key, bytes, content)) return { scheme: 'v1a', ...verified };
      }
    }
  }
  throw new WebhookVerificationError(
    'no_matching_signature',
    `no signature matches the keys given (the header has ${describe(signatures)}; ` +
      `${secrets.length} secret(s) and ${publicKeys.length} public key(s) were tried)`,
  );
}

async function verifyLegacy(
  body: Uint8Array,
  headerValue: string,
  secrets: readonly string[],
): Promise<VerifiedWebhook> {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(headerValue.trim());
  if (!match) throw new WebhookVerificationError('invalid_header', 'X-Verifik-Signature is not sha256=<64 hex digits>');
  const signature = hexBytes(match[1]!);
  for (const secret of secrets) {
    // this header's key is the secret's text itself, prefix and all (GitHub-style verifiers)
    const key = await hmacKey(new TextEncoder().encode(secret));
    if (await crypto.subtle.verify('HMAC', key, signature, body)) return { scheme: 'sha256' };
  }
  throw new WebhookVerificationError(
    'no_matching_signature',
    `X-Verifik-Signature matches none of the ${secrets.length} secret(s) given`,
  );
}

interface Signature {
  version: string;
  bytes: Uint8Array;
}

/** `v1,<base64> v1a,<base64> …`; versions this library does not know are kept and never match. */
function parseSignatures(value: string): Signature[] {
  const entries = value.split(' ').filter(Boolean);
  if (!entries.length) throw new WebhookVerificationError('invalid_header', 'webhook-signature is empty');
  return entries.map((entry) => {
    const comma = entry.indexOf(',');
    const bytes = comma > 0 ? base64Bytes(entry.slice(comma + 1)) : undefined;
    if (!bytes)
      throw new WebhookVerificationError('invalid_header', 'a webhook-signature entry is not <version>,<base64>');
    return { version: entry.slice(0, comma), bytes };
  });
}

function describe(signatures: readonly Signature[]): string {
  const counts = new Map<string, number>();
  for (const { version } of signatures) counts.set(version, (counts.get(version) ?? 0) + 1);
  return [...counts].map(([version, count]) => `${count} ${version}`).join(', ');
}

/** The key bytes of a secret: base64 after `whsec_` (the prefix is optional, as in the `standardwebhooks` library). */
function secretBytes(secret: string): Uint8Array {
  const bytes = base64Bytes(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  if (!bytes?.length) throw new WebhookVerificationError('invalid_key', 'a secret is not whsec_<base64>');
  return bytes;
}

function hmacKey(bytes: Uint8Array) {
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
}

function ed25519Key(publicKey: string) {
  const bytes = publicKey.startsWith(PUBLIC_KEY_PREFIX)
    ? base64Bytes(publicKey.slice(PUBLIC_KEY_PREFIX.length))
    : undefined;
  if (bytes?.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new WebhookVerificationError('invalid_key', 'a public key is not whpk_<base64 of 32 bytes>');
  }
  return crypto.subtle.importKey('raw', bytes, 'Ed25519', false, ['verify']);
}

/** Header lookup by lower-case name, whatever the container; a repeated header's values joined as HTTP does. */
function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof headers.get === 'function')
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    return typeof value === 'string' ? value : value.join(', ');
  }
  return undefined;
}

/** Strict standard base64 (padding required, no other characters), or undefined. */
function base64Bytes(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const binary = atob(text);
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!, (pair) => Number.parseInt(pair, 16));
}

function toBytes(body: RawBody): Uint8Array {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  return body instanceof Uint8Array ? body : new Uint8Array(body);
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const joined = new Uint8Array(head.length + tail.length);
  joined.set(head);
  joined.set(tail, head.length);
  return joined;
}
