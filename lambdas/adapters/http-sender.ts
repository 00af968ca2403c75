import { lookup as systemLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, request, type Dispatcher } from 'undici';
import type { SendResult } from '../core/delivery-outcome';
import { isAllowedAddress, type UrlPolicy } from '../core/url-guard';
import { SETTING_DEFAULTS } from '../platform-settings';

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => systemLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

export interface SendingLimits {
  connectTimeoutMs: number;
  totalTimeoutMs: number;
}

/** The defaults of SETTING_DEFAULTS (lambdas/platform-settings.ts); the deliver function passes its configured ones. */
export const SENDING_LIMITS: SendingLimits = {
  connectTimeoutMs: SETTING_DEFAULTS.connectTimeoutSeconds * 1000,
  totalTimeoutMs: SETTING_DEFAULTS.sendTimeoutSeconds * 1000,
};
const RESPONSE_BYTES_KEPT = 1024;

class BlockedDestinationError extends Error {
  readonly code = 'EBLOCKED';
}

/**
 * Resolves the host and hands the socket only the addresses the guard allows, so the address that is
 * checked is the address that is connected to: a DNS answer that changes between check and connect
 * (rebinding) cannot slip a private address in.
 */
function guardedLookup(resolve: Resolver, policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const allowed = addresses.filter((address) => isAllowedAddress(address.address, policy));
        if (allowed.length === 0) {
          callback(new BlockedDestinationError(`${hostname} resolves only to non-public addresses`), '', 0);
        } else if ((options as { all?: boolean }).all) {
          (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, allowed);
        } else {
          callback(null, allowed[0]!.address, allowed[0]!.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

function isTimeout(error: unknown): boolean {
  const { code, name } = error as { code?: string; name?: string };
  // undici's own per-phase timeouts equal the whole bound, so either may fire first
  return name === 'TimeoutError' || name === 'AbortError' || code === 'ABORT_ERR' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

function describeError(error: unknown, limits: SendingLimits): string {
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'EBLOCKED') return `blocked_destination: ${message}`;
  if (isTimeout(error)) return `timeout: no complete answer within ${limits.totalTimeoutMs} ms`;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return `connect_timeout: no connection within ${limits.connectTimeoutMs} ms`;
  if (code === 'ECONNREFUSED') return 'connection_refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return 'connection_reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns_failure: the host name does not resolve';
  return `network_error: ${code ?? message ?? 'unknown'}`;
}

/** How far behind the abort signal undici's own timeouts stay. */
const UNDICI_BACKSTOP_MS = 1000;

/**
 * POSTs deliveries over a keep-alive connection pool, never following redirects and keeping at most 1 KB of
 * the answer. Every connection goes through the guarded `lookup`, so the address checked is the address
 * connected to. undici rather than node:http: about 30 % less CPU per POST (bench), which a queue consumer
 * spends on every delivery, for about 700 KB more bundle, which it spends once per cold start.
 */
export class HttpSender {
  private readonly limits: SendingLimits;
  private readonly agent: Agent;

  constructor(
    private readonly policy: UrlPolicy,
    { resolve = systemResolver, limits = SENDING_LIMITS }: { resolve?: Resolver; limits?: SendingLimits } = {},
  ) {
    this.limits = limits;
    this.agent = new Agent({
      connect: { lookup: guardedLookup(resolve, policy), timeout: limits.connectTimeoutMs },
      keepAliveTimeout: 10_000,
      // undici's own timeouts are per phase and run on coarse timers that may fire up to half a second early;
      // the whole attempt's bound is the abort signal in send, and these are only a backstop behind it
      headersTimeout: limits.totalTimeoutMs + UNDICI_BACKSTOP_MS,
      bodyTimeout: limits.totalTimeoutMs + UNDICI_BACKSTOP_MS,
    });
  }

  async send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const target = new URL(url);
      // the policy may have changed since the webhook was created (allowHttpUrls turned off): check it again
      if (target.protocol !== 'https:' && !(this.policy.allowHttp && target.protocol === 'http:')) {
        throw new BlockedDestinationError(`${target.protocol} URLs are not allowed; the webhook needs an https URL`);
      }
      // A literal IP never goes through lookup, so it is checked here.
      const host = target.hostname.replace(/^\[|\]$/g, '');
      if (isIP(host) && !isAllowedAddress(host, this.policy)) throw new BlockedDestinationError(`${host} is not a public address`);
      // undici follows no redirect unless told to: a 3xx is the answer
      const response = await request(target, {
        method: 'POST',
        dispatcher: this.agent,
        headers,
        body,
        signal: AbortSignal.timeout(this.limits.totalTimeoutMs),
      });
      const excerpt = await readStart(response.body);
      const retryAfter = response.headers['retry-after'];
      return {
        statusCode: response.statusCode,
        durationMs: elapsed(),
        ...(excerpt ? { response: excerpt } : {}),
        ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
      };
    } catch (error) {
      return { error: describeError(error, this.limits), durationMs: elapsed(), ...(isTimeout(error) ? { timedOut: true } : {}) };
    }
  }

  close(): void {
    void this.agent.destroy();
  }
}

/** Reads the first kilobyte of an answer; a longer answer is cut off (its connection is not reused). */
async function readStart(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= RESPONSE_BYTES_KEPT) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_BYTES_KEPT).toString('utf8');
}
