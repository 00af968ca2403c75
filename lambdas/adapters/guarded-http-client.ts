import { lookup as systemLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { LRUCache } from 'lru-cache';
import type { ClientTls } from './client-tls';
import { isIP, type LookupFunction } from 'node:net';
import { isAllowedAddress, type UrlPolicy } from '../core/common/url-guard';
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
/** How much of an answer's body is kept unless a caller asks for more (the delivery log keeps 1 KB). */
const RESPONSE_BYTES_KEPT = 1024;

export interface GuardedRequest {
  /** POST unless given (a verification probe or a token fetch may need another). */
  method?: string;
  headers: Record<string, string>;
  body?: string;
  /** Answer headers to hand back (lower-case names); the others are dropped. */
  keepHeaders?: readonly string[];
  /** How many bytes of the answer's body to keep (the rest is not read). */
  responseBytes?: number;
  /** A client certificate to present and/or a private CA to trust (https only). */
  tls?: ClientTls;
}

/** Connection pools kept for client certificates (one per webhook's tls settings), the least used closed first. */
const TLS_POOLS_KEPT = 100;

/** What came back of one request: a status (any, redirects included), or why none came. */
export interface GuardedResponse {
  statusCode?: number;
  /** Set when no HTTP answer came (timeout, refused, reset, blocked destination...). */
  error?: string;
  /** No complete answer came within the time limit. */
  timedOut?: boolean;
  durationMs: number;
  /** The start of the body, cut at responseBytes. */
  body?: string;
  /** The headers asked for in keepHeaders that the answer had. */
  headers: Record<string, string>;
}

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
 * Sends requests to hosts the URL policy allows, over keep-alive connection pools (one per scheme, sockets kept
 * per host), never following redirects and keeping only the start of the answer. Every new connection goes
 * through the guarded `lookup`, so the address checked is the address connected to; a connection gets
 * connectTimeoutMs to open, and the whole request totalTimeoutMs (its abort signal). Deliveries, and anything
 * else the platform sends to a tenant's hosts, go through it. node:http rather than undici: undici took about
 * 30 % less CPU per POST, but added 700 KB to the deliver bundle and nearly doubled its cold start, and on Lambda
 * a deliver invocation's cost is the wall time of its HTTP waits, not its CPU.
 */
export class GuardedHttpClient {
  private readonly limits: SendingLimits;
  private readonly lookup: LookupFunction;
  private readonly agents: { http: HttpAgent; https: HttpsAgent };
  private readonly tlsAgents = new LRUCache<string, HttpsAgent>({
    max: TLS_POOLS_KEPT,
    dispose: (agent) => agent.destroy(),
  });

  constructor(
    private readonly policy: UrlPolicy,
    { resolve = systemResolver, limits = SENDING_LIMITS }: { resolve?: Resolver; limits?: SendingLimits } = {},
  ) {
    this.limits = limits;
    this.lookup = guardedLookup(resolve, policy);
    const pool = { keepAlive: true, keepAliveMsecs: 10_000 };
    this.agents = { http: new HttpAgent(pool), https: new HttpsAgent(pool) };
  }

  async request(url: string, request: GuardedRequest): Promise<GuardedResponse> {
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
      const response = await this.send(target, request);
      const body = await readStart(response, request.responseBytes ?? RESPONSE_BYTES_KEPT);
      const headers: Record<string, string> = {};
      for (const name of request.keepHeaders ?? []) {
        const value = response.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      return { statusCode: response.statusCode!, durationMs: elapsed(), ...(body ? { body } : {}), headers };
    } catch (error) {
      return {
        error: describeError(error, this.limits),
        durationMs: elapsed(),
        ...(isTimeout(error) ? { timedOut: true } : {}),
        headers: {},
      };
    }
  }

  /** One request; answers when the status and headers came (a 3xx is the answer: redirects are not followed). */
  private send(target: URL, { method = 'POST', headers, body, tls }: GuardedRequest): Promise<IncomingMessage> {
    const secure = target.protocol === 'https:';
    const httpsAgent = tls ? this.tlsAgent(tls) : this.agents.https;
    return new Promise((resolve, reject) => {
      const request = (secure ? httpsRequest : httpRequest)(target, {
        method,
        agent: secure ? httpsAgent : this.agents.http,
        lookup: this.lookup,
        headers: body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
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

  /** The pool of one client certificate and CA: its sockets are never handed to another webhook. */
  private tlsAgent(tls: ClientTls): HttpsAgent {
    let agent = this.tlsAgents.get(tls.poolKey);
    if (!agent) {
      agent = new HttpsAgent({
        keepAlive: true,
        keepAliveMsecs: 10_000,
        ...(tls.certificate && tls.privateKey ? { cert: tls.certificate, key: tls.privateKey } : {}),
        // a private CA is trusted beside the public roots, not instead of them
        ...(tls.caCertificate ? { ca: [...rootCertificates, tls.caCertificate] } : {}),
      });
      this.tlsAgents.set(tls.poolKey, agent);
    }
    return agent;
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
    this.tlsAgents.clear();
  }
}

/** Reads the start of an answer; a longer answer is cut off (its connection is not reused). */
async function readStart(response: IncomingMessage, bytesKept: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= bytesKept) {
      response.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, bytesKept).toString('utf8');
}
