import type { TelemetryReport } from './report';

/**
 * Where unsent reports wait for the next page load. Browsers: localStorage, because `pagehide` gives
 * no time for IndexedDB's asynchronous transactions to commit, while a localStorage write is done when
 * the call returns. Every failure (quota full, storage refused in private mode, disabled cookies)
 * degrades to memory: the player never sees an exception from here.
 */
export interface StoredEntry {
  report: TelemetryReport & { clientDropped?: DroppedCounts };
  /** When the report was first queued (wall clock): ages count from here across page loads. */
  createdAt: number;
}

export interface DroppedCounts {
  expired: number;
  overflow: number;
}

export interface StoredState {
  entries: StoredEntry[];
  /** Drops counted but not yet handed to a report. */
  dropped: DroppedCounts;
}

export interface ReportStore {
  /** Takes over everything kept by earlier page loads (and removes it from the store). */
  takeAll(): StoredState;
  /** Replaces this page's kept state. */
  save(state: StoredState): void;
  /** True once the store failed and reports are kept in memory only. */
  readonly degraded: boolean;
}

const PREFIX = 'swarmdeck:pending:';

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

/**
 * One key per page (`swarmdeck:pending:<pageId>`), so two tabs never overwrite each other; a new page
 * takes over every key it finds. A key taken from a tab that is still open only means some reports are
 * sent twice with the same reportIds, which the server counts once.
 */
export function webStorageStore(
  storage?: StorageLike | null,
  pageId: string = Math.random().toString(36).slice(2),
): ReportStore {
  let s: StorageLike | null = null;
  try {
    s = storage === undefined ? ((globalThis as { localStorage?: Storage }).localStorage ?? null) : storage;
  } catch {
    s = null; // reading `localStorage` itself throws where storage is blocked
  }
  let degraded = s === null;
  const own = PREFIX + pageId;
  const fail = () => {
    degraded = true;
    s = null;
  };
  return {
    get degraded() {
      return degraded;
    },
    takeAll() {
      const out: StoredState = { entries: [], dropped: { expired: 0, overflow: 0 } };
      if (!s) return out;
      try {
        const keys: string[] = [];
        for (let i = 0; i < s.length; i++) {
          const k = s.key(i);
          if (k && k.startsWith(PREFIX)) keys.push(k);
        }
        for (const k of keys) {
          const raw = s.getItem(k);
          s.removeItem(k);
          if (!raw) continue;
          try {
            const st = JSON.parse(raw) as Partial<StoredState>;
            for (const e of st.entries ?? []) if (e && e.report && typeof e.createdAt === 'number') out.entries.push(e);
            out.dropped.expired += Number(st.dropped?.expired) || 0;
            out.dropped.overflow += Number(st.dropped?.overflow) || 0;
          } catch {
            // A damaged entry is lost; it cannot be sent as it was.
          }
        }
      } catch {
        fail();
      }
      return out;
    },
    save(state) {
      if (!s) return;
      try {
        if (state.entries.length === 0 && state.dropped.expired + state.dropped.overflow === 0) s.removeItem(own);
        else s.setItem(own, JSON.stringify(state));
      } catch {
        fail();
      }
    },
  };
}

/** No storage at all (Node, or a player that does not want reports kept). */
export function memoryStore(): ReportStore {
  return {
    degraded: false,
    takeAll: () => ({ entries: [], dropped: { expired: 0, overflow: 0 } }),
    save: () => undefined,
  };
}
