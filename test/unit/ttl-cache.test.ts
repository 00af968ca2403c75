import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../lambdas/adapters/ttl-cache';

describe('Class: TtlCache', () => {
  it('keeps at most maxEntries values, dropping the least recently used, so a long-lived container stays bounded', () => {
    const cache = new TtlCache<string>(60, { maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) cache.set(key, key.toUpperCase());
    cache.get('a');
    cache.set('d', 'D');
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('d')).toBe('D');
  });

  it('forgets a value once its time is up, and keeps nothing when the TTL is 0', () => {
    let now = 1_000_000;
    const cache = new TtlCache<string>(5, { now: () => now });
    cache.set('a', 'A');
    now += 4_999;
    expect(cache.get('a')).toBe('A');
    now += 2;
    expect(cache.get('a')).toBeUndefined();
    const off = new TtlCache<string>(0);
    off.set('a', 'A');
    expect(off.get('a')).toBeUndefined();
  });

  it('caches null (a webhook known not to exist) as a value', async () => {
    const cache = new TtlCache<string | null>(60);
    let loads = 0;
    const load = async () => {
      loads += 1;
      return null;
    };
    expect(await cache.getOrLoad('gone', load)).toBeNull();
    expect(await cache.getOrLoad('gone', load)).toBeNull();
    expect(loads).toBe(1);
  });
});
