import { describe, expect, it } from 'vitest';
import { createEventCatalog } from '../../lambdas/core/events/event-catalog';
import { MAX_EVENT_DATA_BYTES, MAX_EVENT_DATA_DEPTH, parseEnvelope } from '../../lambdas/core/events/event-envelope';

const PRODUCT = createEventCatalog();

describe('Function: parseEnvelope', () => {
  it('accepts the documented envelope and keeps the producer id', () => {
    const result = parseEnvelope(
      JSON.stringify({
        tenantId: 'acme',
        id: 'evt_1',
        type: 'verification.completed',
        data: { verificationId: 'ver_1' },
      }),
      'm1',
      PRODUCT,
    );
    expect(result).toEqual({
      ok: true,
      event: {
        tenantId: 'acme',
        id: 'evt_1',
        type: 'verification.completed',
        data: { verificationId: 'ver_1' },
        payload: '{"id":"evt_1","type":"verification.completed","data":{"verificationId":"ver_1"}}',
      },
    });
  });

  it('derives the id from the SQS message id when the producer sends none, so a retry keeps it', () => {
    const body = JSON.stringify({ tenantId: 'acme', type: 'document.uploaded', data: {} });
    const first = parseEnvelope(body, '059f36b4-87a3-44ab-83d2-661975830a7d', PRODUCT);
    const again = parseEnvelope(body, '059f36b4-87a3-44ab-83d2-661975830a7d', PRODUCT);
    expect(first.ok && first.event.id).toBe('evt_059f36b4-87a3-44ab-83d2-661975830a7d');
    expect(again.ok && again.event.id).toBe(first.ok && first.event.id);
  });

  it('keeps data exactly: integers past 2^53, non-canonical numbers, __proto__ keys, U+FFFF', () => {
    const body =
      '{"tenantId":"acme","id":"e1","type":"document.uploaded","data":{"big":12345678901234567890,"float":1.0,' +
      '"__proto__":{"x":1},"odd":"\\uffff"}}';
    const result = parseEnvelope(body, 'm1', PRODUCT);
    expect(result.ok).toBe(true);
    const payload = result.ok ? result.event.payload : '';
    expect(payload).toContain('"big":12345678901234567890');
    expect(payload).toContain('"float":1.0');
    expect(payload).toContain('"__proto__":{"x":1}');
    expect(JSON.parse(payload).data.odd).toBe('\uffff');
    expect(Object.keys(JSON.parse(payload).data)).toContain('__proto__');
  });

  it('accepts data nested up to the limit and refuses deeper data without overflowing the stack', () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
    const atLimit = `{"tenantId":"acme","type":"document.uploaded","data":${nested(MAX_EVENT_DATA_DEPTH)}}`;
    expect(parseEnvelope(atLimit, 'm1', PRODUCT).ok).toBe(true);
    const tooDeep = `{"tenantId":"acme","type":"document.uploaded","data":${nested(10_000)}}`;
    const result = parseEnvelope(tooDeep, 'm1', PRODUCT);
    expect(!result.ok && result.reason).toMatch(/^too_deep: data is nested 10000 levels/);
  });

  it.each([
    ['not JSON', 'nope{', 'invalid_json'],
    ['no tenant', JSON.stringify({ type: 'document.uploaded', data: {} }), 'tenantId'],
    ['an unknown type', JSON.stringify({ tenantId: 'acme', type: 'document.deleted', data: {} }), 'type'],
    ['data that is not an object', JSON.stringify({ tenantId: 'acme', type: 'document.uploaded', data: [1] }), 'data'],
    ['an id with a dot', JSON.stringify({ tenantId: 'acme', id: 'evt.1', type: 'document.uploaded', data: {} }), 'id'],
    [
      'an unknown field',
      JSON.stringify({ tenantId: 'acme', type: 'document.uploaded', data: {}, tenant: 'x' }),
      'tenant',
    ],
    [
      'data over 256 KB',
      JSON.stringify({ tenantId: 'acme', type: 'document.uploaded', data: { blob: 'x'.repeat(MAX_EVENT_DATA_BYTES) } }),
      'too_large',
    ],
  ])('refuses %s with a reason', (_, body, reason) => {
    const result = parseEnvelope(body, 'm1', PRODUCT);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });

  describe('when the schema check itself fails', () => {
    it('makes that event poison with schema_error instead of throwing out of the batch', () => {
      // Prepare
      const catalog = createEventCatalog(
        [{ name: 'order.paid', description: 'paid', example: {}, schema: { type: 'object' } }],
        () => () => {
          throw new RangeError('Maximum call stack size exceeded');
        },
      );

      // Act
      const result = parseEnvelope(JSON.stringify({ tenantId: 'acme', type: 'order.paid', data: {} }), 'm1', catalog);

      // Assess
      expect(result).toEqual({
        ok: false,
        reason: 'schema_error: checking data against the schema of order.paid failed: Maximum call stack size exceeded',
      });
    });
  });
});
