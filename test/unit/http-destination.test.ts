import { describe, expect, it } from 'vitest';
import { classify, parseRetryAfter } from '../../lambdas/adapters/destinations/http-destination';

const now = new Date('2026-01-01T00:00:00Z');
const answer = (statusCode: number, headers: Record<string, string> = {}) => ({ statusCode, durationMs: 1, headers });

describe('Function: classify', () => {
  it.each([200, 201, 202, 204, 299])('counts %i as delivered', (statusCode) => {
    expect(classify(answer(statusCode), now)).toEqual({ kind: 'delivered', statusCode, durationMs: 1 });
  });

  it.each([301, 302, 307, 400, 404, 500, 502])(
    'counts %i as a failed attempt (redirects are not followed)',
    (statusCode) => {
      expect(classify(answer(statusCode), now)).toEqual({
        kind: 'failed',
        reason: `HTTP ${statusCode}`,
        statusCode,
        durationMs: 1,
      });
    },
  );

  it('treats 410 Gone as the receiver asking for no more deliveries', () => {
    expect(classify(answer(410), now)).toMatchObject({ kind: 'gone', reason: 'the endpoint answered 410 Gone' });
  });

  it('reads Retry-After on 429 and 503 only', () => {
    expect(classify(answer(429, { 'retry-after': '42' }), now)).toMatchObject({
      kind: 'failed',
      retryAfterSeconds: 42,
    });
    expect(classify(answer(503, { 'retry-after': 'Thu, 01 Jan 2026 00:01:00 GMT' }), now)).toMatchObject({
      kind: 'failed',
      retryAfterSeconds: 60,
    });
    expect(classify(answer(500, { 'retry-after': '42' }), now)).not.toHaveProperty('retryAfterSeconds');
    expect(classify(answer(429, { 'retry-after': 'soon' }), now)).not.toHaveProperty('retryAfterSeconds');
  });

  it('counts a network error as a failed attempt, the error its reason; keeps the timeout for the slow lane', () => {
    expect(classify({ error: 'connection_refused', durationMs: 1, headers: {} }, now)).toEqual({
      kind: 'failed',
      reason: 'connection_refused',
      durationMs: 1,
    });
    expect(
      classify({ error: 'timeout: no complete answer within 3000 ms', timedOut: true, durationMs: 3000, headers: {} }),
    ).toMatchObject({ kind: 'failed', timedOut: true });
  });

  it('keeps the start of the answer for the log', () => {
    expect(classify({ statusCode: 500, durationMs: 2, body: 'boom', headers: {} }, now)).toMatchObject({
      response: 'boom',
    });
  });
});

describe('Function: parseRetryAfter', () => {
  it('never returns a negative delay for a date in the past', () => {
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
  });
});
