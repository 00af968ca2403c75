import { LRUCache } from 'lru-cache';

/** A deliver or fan-out container sees many webhooks over its life; 256 MB must hold the cache whatever the count. */
export const DEFAULT_CACHE_ENTRIES = 10_000;

/**
 * A per-container cache that keeps values for a few seconds, so a burst of events for one tenant costs
 * one read, not one per event, and that holds at most `maxEntries` (least recently used go first).
 * A TTL of 0 disables it (tests, strict freshness).
 */
export class TtlCache<V extends {} | null> {
  private readonly entries: LRUCache<string, { value: V }> | undefined;

  constructor(ttlSeconds: number, { maxEntries = DEFAULT_CACHE_ENTRIES, now }: { maxEntries?: number; now?: () => number } = {}) {
    this.entries =
      ttlSeconds > 0
        ? new LRUCache({ max: maxEntries, ttl: ttlSeconds * 1000, ttlAutopurge: false, ttlResolution: 0, ...(now ? { perf: { now } } : {}) })
        : undefined;
  }

  get(key: string): V | undefined {
    return this.entries?.get(key)?.value;
  }

  set(key: string, value: V): void {
    this.entries?.set(key, { value });
  }

  async getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    const cached = this.entries?.get(key);
    if (cached) return cached.value;
    const value = await load();
    this.set(key, value);
    return value;
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }
}
