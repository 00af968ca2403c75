import { describe, expect, it } from 'vitest';
import { MAX_EVENT_DATA_BYTES, parseEnvelope } from '../../lambdas/core/event-envelope';

describe('Function: parseEnvelope', () => {
  it('accepts the documented envelope and keeps the producer id', () => {
    const result = parseEnvelope(JSON.stringify({ tenantId: 'acme', id: 'evt_1', type: 'verification.completed', data: { verificationId: 'ver_1' } }));
    expect(result).toEqual({ ok: true, event: { tenantId: 'acme', id: 'evt_1', type: 'verification.completed', data: { verificationId: 'ver_1' } } });
  });

  it('generates an id when the producer sends none', () => {
    const result = parseEnvelope(JSON.stringify({ tenantId: 'acme', type: 'document.uploaded', data: {} }));
    expect(result.ok && result.event.id).toMatch(/^evt_[0-9A-Z]{26}$/);
  });

  it.each([
    ['not JSON', 'nope{', 'invalid_json'],
    ['no tenant', JSON.stringify({ type: 'document.uploaded', data: {} }), 'tenantId'],
    ['an unknown type', JSON.stringify({ tenantId: 'acme', type: 'document.deleted', data: {} }), 'type'],
    ['data that is not an object', JSON.stringify({ tenantId: 'acme', type: 'document.uploaded', data: [1] }), 'data'],
    ['an id with a dot', JSON.stringify({ tenantId: 'acme', id: 'evt.1', type: 'document.uploaded', data: {} }), 'id'],
    ['an unknown field', JSON.stringify({ tenantId: 'acme', type: 'document.uploaded', data: {}, tenant: 'x' }), 'tenant'],
    ['data over 256 KB', JSON.stringify({ tenantId: 'acme', type: 'document.uploaded', data: { blob: 'x'.repeat(MAX_EVENT_DATA_BYTES) } }), 'too_large'],
  ])('refuses %s with a reason', (_, body, reason) => {
    const result = parseEnvelope(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});
