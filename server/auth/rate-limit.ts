import { processSingleton } from '../core/rate-limit';
/**
 * Sign-in throttling, per email and per client address: after `max` attempts that did not succeed inside
 * `windowMs`, the key is locked out for `lockMs`. An attempt is counted when it starts — before the
 * password hash is computed — and forgiven when it succeeds, so parallel guesses cannot all slip in
 * before the first failure is recorded. In-process (one server holds the embedded store); kept on
 * globalThis so the Next bundle and the server entry share it. Keys are never logged.
 */

export interface Limit {
  max: number;
  windowMs: number;
  lockMs: number;
}

export const EMAIL_LIMIT: Limit = { max: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const CLIENT_LIMIT: Limit = { max: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

interface Attempt {
  id: number;
  at: number;
}

interface Entry {
  attempts: Attempt[];
  lockedUntil: number;
  /** The attempt that set the lock, and the attempts counted before it (restored if it succeeds). */
  lockedBy?: number;
  beforeLock?: Attempt[];
  /** The first refusal of this lock has been audited. */
  lockAudited?: boolean;
}

const state = processSingleton('signInLimits', () => ({ entries: new Map<string, Entry>(), next: 1 }));
const entries = state.entries;

/** Milliseconds until the key may try again (0 when it may try now). */
export function lockedFor(key: string, now = Date.now()): number {
  const e = entries.get(key);
  return e && e.lockedUntil > now ? e.lockedUntil - now : 0;
}

/**
 * Count one attempt for the key now (synchronously, so concurrent requests see it); the returned ticket
 * is handed to `forgiveAttempt` when the attempt succeeds. Reaching `max` locks the key.
 */
export function beginAttempt(key: string, limit: Limit, now = Date.now()): number {
  const e = entries.get(key) ?? { attempts: [], lockedUntil: 0 };
  const id = state.next++;
  e.attempts = e.attempts.filter((a) => now - a.at < limit.windowMs);
  e.attempts.push({ id, at: now });
  if (e.attempts.length >= limit.max) {
    e.lockedUntil = now + limit.lockMs;
    e.lockedBy = id;
    e.beforeLock = e.attempts;
    e.lockAudited = false;
    e.attempts = [];
  }
  entries.set(key, e);
  if (entries.size > 100_000) prune(now);
  return id;
}

/** The attempt succeeded: it no longer counts, and a lock it set is lifted. */
export function forgiveAttempt(key: string, ticket: number): void {
  const e = entries.get(key);
  if (!e) return;
  if (e.lockedBy === ticket) {
    e.attempts = [...(e.beforeLock ?? []), ...e.attempts].filter((a) => a.id !== ticket);
    e.lockedUntil = 0;
    e.lockedBy = undefined;
    e.beforeLock = undefined;
  } else {
    e.attempts = e.attempts.filter((a) => a.id !== ticket);
  }
}

/** True once per lock: the first refusal while locked (so a flood of refusals audits one row). */
export function firstRefusal(key: string, now = Date.now()): boolean {
  const e = entries.get(key);
  if (!e || e.lockedUntil <= now || e.lockAudited) return false;
  e.lockAudited = true;
  return true;
}

/** A failure counted after the fact (kept for callers that cannot count up front). */
export function recordFailure(key: string, limit: Limit, now = Date.now()): void {
  beginAttempt(key, limit, now);
}

export function clearFailures(key: string): void {
  entries.delete(key);
}

function prune(now: number) {
  for (const [k, e] of entries)
    if (e.lockedUntil < now && e.attempts.every((a) => now - a.at > 60 * 60_000)) entries.delete(k);
}

/** For tests. */
export function resetLimits(): void {
  entries.clear();
}
