import { query } from '../clickhouse/client';
import { LatestPerClassSql, MaxSeqSql } from '../clickhouse/queries/rollouts';
import {
  Capabilities,
  DEVICE_CLASSES,
  DeviceClass,
  RolloutRule,
  defaultCapabilities,
  defaultRule,
} from '@/lib/rollout/rule';
import { rolloutSettings } from './settings';
import { processSingleton } from '../core/rate-limit';

export interface ClassState {
  rule: RolloutRule;
  /** The class's own kill switch (the global one is separate). */
  killed: boolean;
  capabilities: Capabilities;
  /** configVersion: changes applied to this class so far (0 on a fresh install). */
  version: number;
}

export interface Snapshot {
  seq: number;
  classes: Record<DeviceClass, ClassState>;
  global: { killed: boolean; version: number };
  loadedAt: number;
}

export const GLOBAL = '*';

export function freshSnapshot(): Snapshot {
  const classes = Object.fromEntries(
    DEVICE_CLASSES.map((c) => [
      c,
      { rule: defaultRule(c), killed: false, capabilities: defaultCapabilities(c), version: 0 },
    ]),
  ) as Record<DeviceClass, ClassState>;
  return { seq: 0, classes, global: { killed: false, version: 0 }, loadedAt: Date.now() };
}

/** Rebuild the current config from the event table: the latest row per class. */
export async function readSnapshot(): Promise<Snapshot> {
  const rows = await query(LatestPerClassSql);
  const snap = freshSnapshot();
  for (const r of rows) {
    snap.seq = Math.max(snap.seq, r.last_seq);
    if (r.device_class === GLOBAL) {
      snap.global = { killed: r.last_killed === 1, version: r.last_version };
      continue;
    }
    const cls = DeviceClass.safeParse(r.device_class);
    if (!cls.success) continue;
    snap.classes[cls.data] = {
      rule: RolloutRule.parse(JSON.parse(r.last_rule)),
      killed: r.last_killed === 1,
      capabilities: Capabilities.parse(JSON.parse(r.last_capabilities)),
      version: r.last_version,
    };
  }
  return snap;
}

export async function readMaxSeq(): Promise<number> {
  const [row] = await query(MaxSeqSql);
  return row && row.n > 0 ? row.max_seq : 0;
}

/**
 * The process's in-memory copy, shared through globalThis by Next's bundles and the server entry:
 * evaluations read it synchronously; this process's writes replace it at once and a poll picks up
 * other processes' writes within SWARMDECK_ROLLOUT_POLL_MS.
 */
interface Holder {
  snap?: Snapshot;
  loading?: Promise<Snapshot>;
  timer?: ReturnType<typeof setInterval>;
  polling?: boolean;
  writeChain?: Promise<unknown>;
  listeners?: Set<(s: Snapshot) => void>;
}
function holder(): Holder {
  return processSingleton('rollout.snapshot', (): Holder => ({}));
}

export function setSnapshot(s: Snapshot): void {
  const h = holder();
  if (h.snap && h.snap.seq > s.seq) return;
  h.snap = s;
  for (const l of h.listeners ?? []) l(s);
}

export async function refreshSnapshot(): Promise<Snapshot> {
  const s = await readSnapshot();
  setSnapshot(s);
  return holder().snap!;
}

/** The snapshot, loading it on first use and starting the poll. */
export async function currentSnapshot(): Promise<Snapshot> {
  const h = holder();
  if (h.snap) return h.snap;
  h.loading ??= refreshSnapshot().finally(() => {
    h.loading = undefined;
  });
  const s = await h.loading;
  startPolling();
  return s;
}

/** Synchronous read for the hot path; undefined until the first load finished. */
export function peekSnapshot(): Snapshot | undefined {
  return holder().snap;
}

export function startPolling(): void {
  const h = holder();
  if (h.timer) return;
  h.timer = setInterval(() => {
    if (h.polling) return;
    h.polling = true;
    readMaxSeq()
      .then((seq) => (seq !== (h.snap?.seq ?? -1) ? refreshSnapshot() : undefined))
      .catch(() => {
        // The store may be briefly unavailable; keep serving the last snapshot and retry next tick.
      })
      .finally(() => {
        h.polling = false;
      });
  }, rolloutSettings().SWARMDECK_ROLLOUT_POLL_MS);
  h.timer.unref?.();
}

export function stopPolling(): void {
  const h = holder();
  if (h.timer) clearInterval(h.timer);
  h.timer = undefined;
}

/** Forget the in-memory copy (tests that swap stores). */
export function resetSnapshot(): void {
  stopPolling();
  const h = holder();
  h.snap = undefined;
  h.loading = undefined;
}

/**
 * Serialize every config write in this process: the next write starts only after the previous one
 * finished, and each re-reads the store inside the lock (see README: several processes need a single writer).
 */
export function withWriteLock<T>(fn: () => Promise<T>): Promise<T> {
  const h = holder();
  const prev = h.writeChain ?? Promise.resolve();
  const run = prev.then(fn, fn);
  h.writeChain = run.catch(() => undefined);
  return run;
}
