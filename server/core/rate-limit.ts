/**
 * Rate limiting and process-wide state, in one home. Token buckets serve ingestion (per key and per
 * client address), CMCD and OFREP (per key); sign-in lockouts (server/auth/rate-limit.ts) count failures
 * in a window instead, because a lockout must hold for a fixed time after the limit is reached.
 */

/**
 * One instance per process, even when Next's bundles load a module twice: kept on globalThis under a
 * registered symbol, so the server entry and every bundle share it.
 */
export function processSingleton<T>(name: string, make: () => T): T {
  const key = Symbol.for(`swarmdeck.${name}`);
  const holder = globalThis as unknown as Record<symbol, T | undefined>;
  return (holder[key] ??= make());
}

/**
 * Token buckets keyed by a string (an ingest key id, a client address — kept in memory only, never
 * written anywhere). A take may overdraw a full-enough bucket: a request of n reports is admitted while
 * tokens remain and pays its whole cost, so a batch larger than the burst is never refused forever.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = Date.now();

  /** 0 when admitted, else the seconds to wait (for Retry-After). */
  take(key: string, cost: number, ratePerSec: number, burst: number, now = Date.now()): number {
    if (ratePerSec <= 0) return 0;
    this.sweep(now, burst / ratePerSec);
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: burst, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * ratePerSec);
    b.at = now;
    if (b.tokens <= 0) return Math.max(1, Math.ceil((1 - b.tokens) / ratePerSec));
    b.tokens -= cost;
    return 0;
  }

  /** Drop full buckets now and then so the map does not grow with every address ever seen. */
  private sweep(now: number, refillSec: number): void {
    if (now - this.lastSweep < 60_000 || this.buckets.size < 10_000) return;
    this.lastSweep = now;
    for (const [k, b] of this.buckets) if ((now - b.at) / 1000 > refillSec) this.buckets.delete(k);
  }

  clear(): void {
    this.buckets.clear();
  }
}

/**
 * A process-wide slot for state that is set, replaced or cleared later (a cache, a timer, a promise
 * chain): one box per process, shared like `processSingleton`'s instances.
 */
export function processSlot<T>(name: string): { value: T | undefined } {
  return processSingleton<{ value: T | undefined }>(`slot.${name}`, () => ({ value: undefined }));
}
