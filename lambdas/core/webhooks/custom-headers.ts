import * as z from 'zod/mini';
import '../common/zod-messages';

/** A webhook sends at most this many headers of its own with every delivery... */
export const MAX_CUSTOM_HEADERS = 20;
/** ...each value at most this long (visible ASCII, so bytes and characters are one). */
export const MAX_CUSTOM_HEADER_VALUE_LENGTH = 1024;
const MAX_CUSTOM_HEADER_NAME_LENGTH = 256;
/**
 * ...and all of them, names and values, at most this many bytes: a default Node server refuses a request whose
 * headers pass 16 KB (431), and the platform's own signatures and framing need their share.
 */
export const MAX_CUSTOM_HEADERS_BYTES = 4096;

const RESERVED = 'is reserved: the platform sets it, or it concerns only one connection';
const METHOD_OVERRIDE = 'is refused: it asks the receiver to take the POST for another method';
const ROUTING = 'is refused: it speaks for proxies and the route of a request, not for the webhook';
const FRAMING =
  "is refused: it changes how the body is framed, encoded or conditioned, which the platform's HTTP client owns";

/**
 * Why a name is never a webhook's own header: the platform sets it (its signatures, the body's framing), it only
 * concerns one connection (RFC 9110 §7.6.1), or a receiver or a proxy on the way would act on it.
 */
const REFUSED_NAMES = new Map<string, string>([
  ...[
    'content-type',
    'content-length',
    'content-encoding',
    'host',
    'user-agent',
    'x-verifik-signature',
    'connection',
    'keep-alive',
    'proxy-authenticate',
    'proxy-authorization',
    'proxy-connection',
    'te',
    'trailer',
    'transfer-encoding',
    'upgrade',
    'expect',
  ].map((name) => [name, RESERVED] as const),
  ...['x-http-method-override', 'x-http-method', 'x-method-override'].map((name) => [name, METHOD_OVERRIDE] as const),
  ...[
    'origin',
    'via',
    'forwarded',
    'proxy',
    'max-forwards',
    'x-forwarded-for',
    'x-forwarded-host',
    'x-forwarded-proto',
  ].map((name) => [name, ROUTING] as const),
  ...[
    'range',
    'content-range',
    'if-match',
    'if-none-match',
    'if-modified-since',
    'if-unmodified-since',
    'if-range',
    'date',
    'accept-encoding',
  ].map((name) => [name, FRAMING] as const),
]);
const RESERVED_PREFIX = 'webhook-';

/** An RFC 9110 token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Visible ASCII and inner spaces: no control characters (no header splitting), nothing a proxy would re-encode. */
const VISIBLE_ASCII = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

/** Why a header name is refused, or undefined when it may be used. */
export function customHeaderNameProblem(name: string): string | undefined {
  if (!TOKEN.test(name) || name.length > MAX_CUSTOM_HEADER_NAME_LENGTH) {
    const characters = "letters, digits and !#$%&'*+.^_`|~-";
    return `must be an HTTP header name (${characters}), at most ${MAX_CUSTOM_HEADER_NAME_LENGTH} characters`;
  }
  const lower = name.toLowerCase();
  if (lower.startsWith(RESERVED_PREFIX))
    return 'is reserved: the platform sets the webhook-* headers (Standard Webhooks signatures)';
  return REFUSED_NAMES.get(lower);
}

/** `headers` of create and update: `{ "Authorization": "Bearer …", "X-Tenant": "acme" }`. */
export const customHeadersSchema = z
  .record(
    z.string(),
    z
      .string({ error: 'must be a string' })
      .check(
        z.maxLength(MAX_CUSTOM_HEADER_VALUE_LENGTH, `must be at most ${MAX_CUSTOM_HEADER_VALUE_LENGTH} characters`),
        z.regex(VISIBLE_ASCII, 'must be visible ASCII (spaces only between other characters), with no line breaks'),
      ),
    { error: 'must be an object of header names and their values' },
  )
  .check(
    z.refine(
      (headers) => Object.keys(headers).length <= MAX_CUSTOM_HEADERS,
      `must hold at most ${MAX_CUSTOM_HEADERS} headers`,
    ),
    z.refine(
      (headers) =>
        Object.entries(headers).reduce((bytes, [name, value]) => bytes + name.length + value.length, 0) <=
        MAX_CUSTOM_HEADERS_BYTES,
      `must total at most ${MAX_CUSTOM_HEADERS_BYTES} bytes of names and values (receivers refuse larger headers ` +
        `with 431)`,
    ),
    z.superRefine((headers, ctx) => {
      const seen = new Set<string>();
      for (const name of Object.keys(headers)) {
        const problem = customHeaderNameProblem(name);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [name], input: name });
        else if (seen.has(name.toLowerCase()))
          ctx.addIssue({
            code: 'custom',
            message: 'names a header twice (names are case-insensitive)',
            path: [name],
            input: name,
          });
        seen.add(name.toLowerCase());
      }
    }),
  );
