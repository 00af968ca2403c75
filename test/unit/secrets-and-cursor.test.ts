import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../lambdas/core/common/cursor';
import { ValidationError } from '../../lambdas/core/common/errors';
import { decodeSecret, generateSecret, isAcceptableSecret } from '../../lambdas/core/webhooks/secrets';

describe('Function: generateSecret', () => {
  it('makes whsec_ + standard base64 of 24 random bytes, different every time', () => {
    const secrets = new Set(Array.from({ length: 100 }, generateSecret));
    expect(secrets.size).toBe(100);
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(decodeSecret(secret)).toHaveLength(24);
    }
  });
});

describe('Function: isAcceptableSecret', () => {
  it.each([
    [`whsec_${Buffer.alloc(24).toString('base64')}`, true],
    [`whsec_${Buffer.alloc(64).toString('base64')}`, true],
    [`whsec_${Buffer.alloc(23).toString('base64')}`, false],
    [`whsec_${Buffer.alloc(65).toString('base64')}`, false],
    [`${Buffer.alloc(24).toString('base64')}`, false],
    [`whsec_${Buffer.alloc(24, 251).toString('base64url')}`, false],
    [`whsec_${Buffer.alloc(25).toString('base64').replace(/=+$/, '')}`, false],
  ])('judges %s acceptable: %s', (secret, acceptable) => {
    expect(isAcceptableSecret(secret)).toBe(acceptable);
  });
});

describe('Function: decodeCursor', () => {
  it('returns what encodeCursor encoded', () => {
    expect(decodeCursor(encodeCursor('webhook_01JD0000000000000000000001'))).toBe('webhook_01JD0000000000000000000001');
  });

  it.each(['', 'abc', Buffer.from('{"after":"x"}').toString('base64url'), Buffer.from('[]').toString('base64url')])(
    'refuses the tampered cursor %j',
    (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(ValidationError);
    },
  );
});
