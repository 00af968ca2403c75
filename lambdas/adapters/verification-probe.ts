import type { ProbeAnswer, VerificationProbe } from '../core/delivery/endpoint-verifier';

/** The guarded HTTP client's one call (guarded-http-client.ts): the SSRF guard, timeouts, no redirects. */
export interface GuardedRequester {
  request(
    url: string,
    request: {
      method?: string;
      headers: Record<string, string>;
      body?: string;
      keepHeaders?: readonly string[];
      responseBytes?: number;
    },
  ): Promise<{ statusCode?: number; error?: string; headers: Record<string, string>; body?: string }>;
}

/** The handshake's answer headers; nothing else of an answer is kept. */
const HANDSHAKE_HEADERS = ['webhook-allowed-origin', 'webhook-allowed-rate'] as const;
/** An echoed challenge, bare or in `{"challenge": "…"}`, fits easily; a longer answer is not an echo. */
const CHALLENGE_ANSWER_BYTES = 512;

/**
 * Sends verification challenges through the same guarded client as deliveries: the address checked is the address
 * connected to, so a challenge never reaches a private or loopback address on AWS.
 */
export class HttpVerificationProbe implements VerificationProbe {
  constructor(private readonly client: GuardedRequester) {}

  async options(url: string, headers: Record<string, string>): Promise<ProbeAnswer> {
    const {
      statusCode,
      error,
      headers: kept,
    } = await this.client.request(url, {
      method: 'OPTIONS',
      headers,
      keepHeaders: HANDSHAKE_HEADERS,
    });
    return { ...(statusCode !== undefined ? { statusCode } : {}), ...(error ? { error } : {}), headers: kept };
  }

  async post(url: string, headers: Record<string, string>, body: string): Promise<ProbeAnswer> {
    const answer = await this.client.request(url, { headers, body, responseBytes: CHALLENGE_ANSWER_BYTES });
    return {
      ...(answer.statusCode !== undefined ? { statusCode: answer.statusCode } : {}),
      ...(answer.error ? { error: answer.error } : {}),
      ...(answer.body !== undefined ? { body: answer.body } : {}),
      headers: {},
    };
  }
}
