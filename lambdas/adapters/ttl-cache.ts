/**
 * A per-container cache that keeps values for a few seconds, so a burst of events for one tenant costs
 * one read, not one per event. A TTL of 0 disables it (tests, strict freshness).
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.expiresAt <= this.now()) return undefined;
    return entry.value;
  }

  set(key: string, value: V): void {
    if (this.ttlSeconds <= 0) return;
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlSeconds * 1000 });
  }

  async getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = await load();
    this.set(key, value);
    return value;
  }
}
