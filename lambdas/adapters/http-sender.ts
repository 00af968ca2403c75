import { lookup as systemLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { SendResult } from '../core/delivery-outcome';
import { isAllowedAddress, type UrlPolicy } from '../core/url-guard';
import { SETTING_DEFAULTS } from '../platform-settings';

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    systemLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

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

class ConnectTimeoutError extends Error {
  readonly code = 'ECONNECT_TIMEOUT';
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

/** The attempt's abort signal fired: no complete answer within the whole bound. */
function isTimeout(error: unknown): boolean {
  const { code, name } = error as { code?: string; name?: string };
  return name === 'TimeoutError' || name === 'AbortError' || code === 'ABORT_ERR';
}

function describeError(error: unknown, limits: SendingLimits): string {
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'EBLOCKED') return `blocked_destination: ${message}`;
  if (isTimeout(error)) return `timeout: no complete answer within ${limits.totalTimeoutMs} ms`;
  if (code === 'ECONNECT_TIMEOUT') return `connect_timeout: no connection within ${limits.connectTimeoutMs} ms`;
  if (code === 'ECONNREFUSED') return 'connection_refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') return 'connection_reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns_failure: the host name does not resolve';
  return `network_error: ${code ?? message ?? 'unknown'}`;
}

/**
 * POSTs deliveries over keep-alive connection pools (one per scheme, sockets kept per host), never following
 * redirects and keeping at most 1 KB of the answer. Every new connection goes through the guarded `lookup`, so
 * the address checked is the address connected to; a connection gets connectTimeoutMs to open, and the whole
 * attempt totalTimeoutMs (its abort signal). node:http rather than undici: undici took about 30 % less CPU per
 * POST, but added 700 KB to the deliver bundle and nearly doubled its cold start, and on Lambda a deliver
 * invocation's cost is the wall time of its HTTP waits, not its CPU.
 */
export class HttpSender {
  private readonly limits: SendingLimits;
  private readonly lookup: LookupFunction;
  private readonly agents: { http: HttpAgent; https: HttpsAgent };

  constructor(
    private readonly policy: UrlPolicy,
    { resolve = systemResolver, limits = SENDING_LIMITS }: { resolve?: Resolver; limits?: SendingLimits } = {},
  ) {
    this.limits = limits;
    this.lookup = guardedLookup(resolve, policy);
    const pool = { keepAlive: true, keepAliveMsecs: 10_000 };
    this.agents = { http: new HttpAgent(pool), https: new HttpsAgent(pool) };
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
      if (isIP(host) && !isAllowedAddress(host, this.policy))
        throw new BlockedDestinationError(`${host} is not a public address`);
      const response = await this.post(target, headers, body);
      const excerpt = await readStart(response);
      const retryAfter = response.headers['retry-after'];
      return {
        statusCode: response.statusCode!,
        durationMs: elapsed(),
        ...(excerpt ? { response: excerpt } : {}),
        ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
      };
    } catch (error) {
      return {
        error: describeError(error, this.limits),
        durationMs: elapsed(),
        ...(isTimeout(error) ? { timedOut: true } : {}),
      };
    }
  }

  /** One POST; answers when the status and headers came (a 3xx is the answer: redirects are not followed). */
  private post(target: URL, headers: Record<string, string>, body: string): Promise<IncomingMessage> {
    const secure = target.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const request = (secure ? httpsRequest : httpRequest)(target, {
        method: 'POST',
        agent: secure ? this.agents.https : this.agents.http,
        lookup: this.lookup,
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        signal: AbortSignal.timeout(this.limits.totalTimeoutMs),
      });
      request.once('socket', (socket) => {
        // a pooled socket is open already; a new one has connectTimeoutMs to connect (and, for https, to shake hands)
        if (!socket.connecting) return;
        const timer = setTimeout(
          () => request.destroy(new ConnectTimeoutError(`no connection within ${this.limits.connectTimeoutMs} ms`)),
          this.limits.connectTimeoutMs,
        );
        socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      request.once('response', resolve);
      request.once('error', reject);
      request.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

/** Reads the first kilobyte of an answer; a longer answer is cut off (its connection is not reused). */
async function readStart(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= RESPONSE_BYTES_KEPT) {
      response.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_BYTES_KEPT).toString('utf8');
}
