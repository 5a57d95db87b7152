/**
 * Sign-in throttling, per email and per client address: after `max` failures inside `windowMs`, the key
 * is locked out for `lockMs`. In-process (one server holds the embedded store); kept on globalThis so the
 * Next bundle and the server entry share it. Keys are never logged.
 */

export interface Limit {
  max: number;
  windowMs: number;
  lockMs: number;
}

export const EMAIL_LIMIT: Limit = { max: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const CLIENT_LIMIT: Limit = { max: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

interface Entry {
  failures: number[];
  lockedUntil: number;
}

const KEY = Symbol.for('swarmdeck.signInLimits');
const holder = globalThis as unknown as { [KEY]?: Map<string, Entry> };
const entries: Map<string, Entry> = (holder[KEY] ??= new Map());

/** Milliseconds until the key may try again (0 when it may try now). */
export function lockedFor(key: string, now = Date.now()): number {
  const e = entries.get(key);
  return e && e.lockedUntil > now ? e.lockedUntil - now : 0;
}

export function recordFailure(key: string, limit: Limit, now = Date.now()): void {
  const e = entries.get(key) ?? { failures: [], lockedUntil: 0 };
  e.failures = e.failures.filter((t) => now - t < limit.windowMs);
  e.failures.push(now);
  if (e.failures.length >= limit.max) {
    e.lockedUntil = now + limit.lockMs;
    e.failures = [];
  }
  entries.set(key, e);
  if (entries.size > 100_000) prune(now);
}

export function clearFailures(key: string): void {
  entries.delete(key);
}

function prune(now: number) {
  for (const [k, e] of entries) if (e.lockedUntil < now && e.failures.every((t) => now - t > 60 * 60_000)) entries.delete(k);
}

/** For tests. */
export function resetLimits(): void {
  entries.clear();
}
