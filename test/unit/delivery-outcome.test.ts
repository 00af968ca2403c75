import { describe, expect, it } from 'vitest';
import { classify, parseRetryAfter } from '../../lambdas/core/delivery-outcome';

const now = new Date('2026-01-01T00:00:00Z');

describe('Function: classify', () => {
  it.each([200, 201, 202, 204, 299])('counts %i as delivered', (statusCode) => {
    expect(classify({ statusCode, durationMs: 1 }, now)).toEqual({ kind: 'delivered' });
  });

  it.each([301, 302, 307, 400, 404, 500, 502])(
    'counts %i as a failed attempt (redirects are not followed)',
    (statusCode) => {
      expect(classify({ statusCode, durationMs: 1 }, now)).toEqual({ kind: 'failed' });
    },
  );

  it('treats 410 Gone as the receiver asking for no more deliveries', () => {
    expect(classify({ statusCode: 410, durationMs: 1 }, now)).toEqual({ kind: 'gone' });
  });

  it('reads Retry-After on 429 and 503 only', () => {
    expect(classify({ statusCode: 429, retryAfter: '42', durationMs: 1 }, now)).toEqual({
      kind: 'failed',
      retryAfterSeconds: 42,
    });
    expect(classify({ statusCode: 503, retryAfter: 'Thu, 01 Jan 2026 00:01:00 GMT', durationMs: 1 }, now)).toEqual({
      kind: 'failed',
      retryAfterSeconds: 60,
    });
    expect(classify({ statusCode: 500, retryAfter: '42', durationMs: 1 }, now)).toEqual({ kind: 'failed' });
    expect(classify({ statusCode: 429, retryAfter: 'soon', durationMs: 1 }, now)).toEqual({ kind: 'failed' });
  });

  it('counts a network error as a failed attempt', () => {
    expect(classify({ error: 'connection_refused', durationMs: 1 }, now)).toEqual({ kind: 'failed' });
  });
});

describe('Function: parseRetryAfter', () => {
  it('never returns a negative delay for a date in the past', () => {
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
  });
});
