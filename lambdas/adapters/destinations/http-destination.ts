import {
  USER_AGENT,
  type AttemptOutcome,
  type DeliveryAttemptRequest,
  type DeliveryDestination,
} from '../../core/delivery/delivery-destination';
import { signatureHeaders } from '../../core/signing/signing';
import { signingKeys, type SigningSealers } from '../../core/webhooks/signing-keys';
import type { ClientTls } from '../client-tls';
import type { GuardedHttpClient, GuardedResponse } from '../guarded-http-client';
import type { EndpointCredentials } from './endpoint-credentials';

/**
 * A webhook's URL: the delivery is signed afresh (Standard Webhooks headers) and POSTed through the SSRF-guarded
 * client, and the answer classified.
 */
export class HttpDestination implements DeliveryDestination {
  constructor(
    private readonly client: GuardedHttpClient,
    private readonly credentials: Pick<EndpointCredentials, 'for'>,
    /** Opens the webhook's sealed HMAC secrets (v1) and ed25519 private keys (v1a). */
    private readonly sealers: SigningSealers,
  ) {}

  async attempt({ task, webhook, startedAt }: DeliveryAttemptRequest): Promise<AttemptOutcome> {
    // the registry sends here only webhooks without an AWS destination, and those have a url
    if (webhook.url === undefined) throw new Error('HttpDestination: the webhook has no url');
    // the webhook's own headers first: the platform's names are reserved, and its values win whatever the store holds
    const headers = {
      ...webhook.headers,
      'Content-Type': 'application/json',
      'User-Agent': USER_AGENT,
      ...signatureHeaders({
        messageId: task.eventId,
        timestamp: startedAt,
        body: task.payload,
        ...(await signingKeys(webhook, startedAt, this.sealers)),
      }),
    };
    // a webhook without auth or tls pays nothing more
    if (!webhook.auth && !webhook.tls) return classify(await this.send(webhook.url, headers, task.payload), startedAt);
    const credentials = await this.credentials.for(webhook);
    if ('failure' in credentials) return { kind: 'failed', reason: credentials.failure };
    // the platform's Authorization wins over a custom header of the same name
    const authorized = credentials.authorization ? { ...headers, Authorization: credentials.authorization } : headers;
    const answer = await this.send(webhook.url, authorized, task.payload, credentials.tls);
    if (answer.statusCode !== 401 || !credentials.bearer) return classify(answer, startedAt);
    // the token was refused (revoked, or expired early): one new token, one more request, in this attempt
    const renewed = await this.credentials.for(webhook, credentials.bearer);
    if ('failure' in renewed) return { kind: 'failed', reason: renewed.failure };
    const again = { ...headers, Authorization: renewed.authorization! };
    return classify(await this.send(webhook.url, again, task.payload, renewed.tls), startedAt);
  }

  private send(url: string, headers: Record<string, string>, body: string, tls?: ClientTls): Promise<GuardedResponse> {
    return this.client.request(url, { headers, body, keepHeaders: ['retry-after'], ...(tls ? { tls } : {}) });
  }
}

/** Any 2xx is success; 410 means the receiver wants no more; everything else (3xx included) is a failed attempt. */
export function classify(answer: GuardedResponse, now: Date = new Date()): AttemptOutcome {
  const capture = {
    durationMs: answer.durationMs,
    ...(answer.statusCode !== undefined ? { statusCode: answer.statusCode } : {}),
    ...(answer.body ? { response: answer.body } : {}),
    ...(answer.timedOut ? { timedOut: true } : {}),
  };
  const status = answer.statusCode;
  if (status === undefined) return { kind: 'failed', reason: answer.error ?? 'network_error: unknown', ...capture };
  if (status >= 200 && status < 300) return { kind: 'delivered', ...capture };
  if (status === 410) return { kind: 'gone', reason: 'the endpoint answered 410 Gone', ...capture };
  const retryAfter = answer.headers['retry-after'];
  const retryAfterSeconds =
    (status === 429 || status === 503) && retryAfter ? parseRetryAfter(retryAfter, now) : undefined;
  return {
    kind: 'failed',
    reason: `HTTP ${status}`,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    ...capture,
  };
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string, now: Date): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}
