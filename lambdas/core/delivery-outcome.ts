/** What the sender observed of one POST. */
export interface SendResult {
  statusCode?: number;
  /** Set when no HTTP answer came (timeout, refused, reset, blocked destination...). */
  error?: string;
  /** No complete answer came within the sender's time limit. */
  timedOut?: boolean;
  durationMs: number;
  response?: string;
  retryAfter?: string;
}

export type Outcome = { kind: 'delivered' } | { kind: 'gone' } | { kind: 'failed'; retryAfterSeconds?: number };

/** Any 2xx is success; 410 means the receiver wants no more; everything else (3xx included) is a failed attempt. */
export function classify(result: SendResult, now: Date = new Date()): Outcome {
  const status = result.statusCode;
  if (status !== undefined && status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 410) return { kind: 'gone' };
  if ((status === 429 || status === 503) && result.retryAfter) {
    const retryAfterSeconds = parseRetryAfter(result.retryAfter, now);
    if (retryAfterSeconds !== undefined) return { kind: 'failed', retryAfterSeconds };
  }
  return { kind: 'failed' };
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string, now: Date): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}
