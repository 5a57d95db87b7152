import { insert, query } from '../clickhouse/client';
import { EndedSessionsSinceSql } from '../clickhouse/queries/auth';
import { processSingleton } from '../core/rate-limit';
import { awaitWithin, LOOKUP_BUDGET_MS, STALE_IF_SLOW_MS } from './users';

/**
 * Session ids ended by signing out, kept in ClickHouse (`ended_sessions`) until the cookie would have
 * expired, so they survive restarts and are seen by every server sharing the store. Each process holds
 * the unexpired ids in memory (one entry per sign-out in the last 12 h) and picks up other processes'
 * sign-outs every few seconds — the same staleness bound as the user cache.
 */

const SYNC_MS = 3_000;
/** Rows are read back from a little before the last sync: a concurrent insert may land late. */
const SLACK_MS = 10_000;

interface State {
  ended: Map<string, number>;
  syncedAt: number;
  sync?: Promise<void>;
}

const state: State = processSingleton('endedSessions', (): State => ({ ended: new Map(), syncedAt: 0 }));

async function sync(now: number): Promise<void> {
  const since = state.syncedAt === 0 ? 0 : state.syncedAt - SLACK_MS;
  const rows = await query(EndedSessionsSinceSql, { since });
  for (const r of rows) state.ended.set(r.sid, r.expires_at_ms);
  for (const [sid, exp] of state.ended) if (exp <= now) state.ended.delete(sid);
  state.syncedAt = now;
}

/** Has this session been ended? Reads the store at most every few seconds. */
export async function isSessionEnded(sid: string, now = Date.now()): Promise<boolean> {
  if (now - state.syncedAt > SYNC_MS) {
    state.sync ??= sync(now).finally(() => {
      state.sync = undefined;
    });
    // While the store is slow or failing, what this process knows answers for a while (its own
    // sign-outs are recorded here at once); after that the check fails closed with the store's error.
    if (state.syncedAt > 0 && now - state.syncedAt < STALE_IF_SLOW_MS) {
      await awaitWithin(state.sync, LOOKUP_BUDGET_MS, undefined);
    } else {
      await state.sync;
    }
  }
  const exp = state.ended.get(sid);
  return exp !== undefined && exp > now;
}

/** End a session now: refused by this process at once, by others within a few seconds. */
export async function endSession(sid: string, expiresAtMs: number, now = Date.now()): Promise<void> {
  state.ended.set(sid, expiresAtMs);
  await insert('ended_sessions', [{ sid, ended_at: now, expires_at: expiresAtMs }]);
}

/** For tests: forget what this process knows, as a restarted server would. */
export function forgetEndedSessions(): void {
  state.ended.clear();
  state.syncedAt = 0;
}
