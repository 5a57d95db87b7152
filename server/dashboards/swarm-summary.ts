import { z } from 'zod';
import type { SwarmSortKey } from '@/lib/filters';
import { resolveRange, type RangePreset, type TimeRangeInput } from '@/lib/time-range';
import { command, openLane, query, store, type StoreLane } from '../clickhouse/client';
import {
  GRAIN_SECONDS,
  inlineParams,
  pickSource,
  SUMMARY_ALL,
  SUMMARY_TROUBLE,
  SummaryCountsRow,
  SummaryListRow,
  SummaryPartitionRow,
  SwarmPageRow,
  swarmSummaryCountsSql,
  swarmSummaryDropSql,
  swarmSummaryFillSql,
  swarmSummaryPageSql,
  swarmSummarySnapshotsSql,
  swarmSummarySortedSql,
  type SwarmRow,
} from '../clickhouse/queries/dashboards';
import { NoParams, statement } from '../clickhouse/queries/store';
import { processSlot } from '../core/rate-limit';
import { env } from '../env';
import { ingestWriter } from '../ingest/writer';
import type { StartupTask } from '../startup';
import { SWARM_AGGS, TROUBLE_LIST, TROUBLE_PARAMS } from './swarm-rules';
import { alignWindow, chTime, grainFor } from './window';

/**
 * The Swarms page's summary: ranking every swarm costs what the fleet costs, so the server ranks them in
 * the background and the page reads its rows in key order.
 *
 * For each preset range (24 h, 7 d) a refresh computes every swarm of the window with the live query's
 * own SQL and writes it as one snapshot (a partition of dash_swarm_summary) under a new id; publishing
 * the id swaps it in at once, and the superseded snapshots are dropped, so the table holds a few at most.
 * One process refreshes (the server, from its start-up tasks), on its own connection and without bound
 * parameters, so a refresh runs beside the console's queries instead of ahead of them.
 *
 * The page reads a snapshot only when it describes the page's own window and is honest about time: it is
 * at most SWARMDECK_SWARM_SUMMARY_MAX_AGE_SECONDS old (the page then says "as of" its time), and it either
 * holds every batch the ingestion writer has committed (so it equals the live figures), or ingestion has
 * been flowing without pause for longer than that bound — a fleet reporting all the time, whose figures
 * are never "just sent". Reports that have just arrived after a quiet spell (an import, a test, a fleet's
 * first minute) are shown live and exact until the next refresh holds them. Otherwise the page answers
 * live, exactly as it would without a summary.
 */

export const SUMMARY_PRESETS = ['24h', '7d'] as const satisfies readonly RangePreset[];
export type SummaryPreset = (typeof SUMMARY_PRESETS)[number];

/** A pause in commits longer than this ends a flow of ingestion. */
export const FLOW_GAP_MS = 5_000;
/** How often the refresher looks at the clock and the writer. */
const TICK_MS = 1_000;

export interface Snapshot {
  id: number;
  preset: SummaryPreset;
  /** The window it describes (ms), as alignWindow gives it. */
  lo: number;
  hi: number;
  /** Its figures hold every report committed before this time (ms). */
  takenAt: number;
  /** The writer's commits when it was taken: while unchanged, the snapshot equals the live figures. */
  commitsAt: number;
  total: number;
  troubleTotal: number;
  /** How long the refresh took (ms). */
  refreshMs: number;
}

interface State {
  current: Partial<Record<SummaryPreset, Snapshot>>;
  /** The snapshot each current one replaced, kept until the next refresh for readers still on it. */
  previous: Partial<Record<SummaryPreset, Snapshot>>;
  /** Snapshot ids this process wrote (the only ones it drops while they are recent). */
  mine: Set<number>;
  lastId: number;
  lane?: { lane: StoreLane; owner: object };
  ingest: { commits: number; seenAt: number; flowingSince: number | null };
  timer?: ReturnType<typeof setInterval>;
  busy: boolean;
  retryAt: number;
}

const holder = processSlot<State>('dashboards.swarm-summary');

function state(): State {
  holder.value ??= {
    current: {},
    previous: {},
    mine: new Set(),
    lastId: 0,
    ingest: { commits: 0, seenAt: 0, flowingSince: null },
    busy: false,
    retryAt: 0,
  };
  return holder.value;
}

/** The bound on a summary's age and the pace of refreshes (a quarter of it). */
export function summarySettings(): { maxAgeMs: number; intervalMs: number } {
  const maxAgeMs = env().SWARMDECK_SWARM_SUMMARY_MAX_AGE_SECONDS * 1000;
  return { maxAgeMs, intervalMs: Math.max(TICK_MS, maxAgeMs / 4) };
}

/** The rollup and the window of a preset at `now`, as the live query plans them. */
function planOf(preset: SummaryPreset, now: number) {
  const range: TimeRangeInput = { preset };
  const grain = grainFor(resolveRange(range, now));
  const source = pickSource('swarm', grain, ['swarm_id'], [...SWARM_AGGS]);
  const win = alignWindow(range, GRAIN_SECONDS[grain], now);
  return { source, lo: win.lo, hi: win.hi };
}

/** Note a change of the writer's commit count (the refresher's tick and every read call this). */
function observeIngest(now: number): number {
  const ing = state().ingest;
  const commits = ingestWriter().commits;
  if (commits !== ing.commits) {
    if (ing.flowingSince === null || now - ing.seenAt > FLOW_GAP_MS) ing.flowingSince = now;
    ing.commits = commits;
    ing.seenAt = now;
  }
  return commits;
}

/** Ingestion has committed without a pause longer than FLOW_GAP_MS for at least `ms`. */
function flowingFor(now: number, ms: number): boolean {
  const { flowingSince, seenAt } = state().ingest;
  return flowingSince !== null && now - seenAt <= FLOW_GAP_MS && now - flowingSince >= ms;
}

/** The snapshot the page may show for this preset and window at `now`, or null (answer live). */
export function usableSnapshot(preset: string, lo: number, hi: number, now = Date.now()): Snapshot | null {
  const { maxAgeMs } = summarySettings();
  if (maxAgeMs === 0) return null;
  const commits = observeIngest(now);
  const snap = state().current[preset as SummaryPreset];
  if (!snap || snap.lo !== lo || snap.hi !== hi) return null;
  if (now - snap.takenAt > maxAgeMs) return null;
  return commits === snap.commitsAt || flowingFor(now, maxAgeMs) ? snap : null;
}

/** The summary's own connection, reopened when the store was (tests close and reopen it). */
async function lane(): Promise<StoreLane> {
  const st = state();
  const owner = await store();
  if (st.lane?.owner === owner) return st.lane.lane;
  const l = await openLane();
  st.lane = { lane: l, owner };
  return l;
}

/** Run one of the summary's background statements (values inlined, see inlineParams) on its lane. */
async function background<R extends z.ZodType>(sql: string, params: Record<string, unknown>, row: R) {
  return (await lane()).query(statement(inlineParams(sql, params), NoParams, row), {});
}

/**
 * Compute and publish a new snapshot of one preset's window (as of now), then drop what it superseded.
 * The commit count is read before the statement starts, so every batch it counts is in the snapshot.
 */
export async function refreshSwarmSummary(preset: SummaryPreset): Promise<Snapshot> {
  const st = state();
  const takenAt = Date.now();
  const commitsAt = observeIngest(takenAt);
  const id = Math.max(takenAt, st.lastId + 1);
  st.lastId = id;
  st.mine.add(id);
  const { source, lo, hi } = planOf(preset, takenAt);
  await background(
    swarmSummaryFillSql(source),
    { snapshot: id, preset, lo: chTime(lo), hi: chTime(hi), q: '', ...TROUBLE_PARAMS },
    z.unknown(),
  );
  const [counts] = await background(swarmSummaryCountsSql(), { snapshot: id }, SummaryCountsRow);
  const snap: Snapshot = {
    id,
    preset,
    lo,
    hi,
    takenAt,
    commitsAt,
    total: counts?.total ?? 0,
    troubleTotal: counts?.trouble_total ?? 0,
    refreshMs: Date.now() - takenAt,
  };
  const replaced = st.current[preset];
  if (replaced) st.previous[preset] = replaced;
  st.current[preset] = snap;
  await dropSuperseded();
  return snap;
}

/**
 * Drop every snapshot no reader may still use: this process's own once superseded twice, any other's
 * (a second server on a shared ClickHouse, or an earlier run) once far older than the bound.
 */
async function dropSuperseded(): Promise<void> {
  const st = state();
  const keep = new Set([...Object.values(st.current), ...Object.values(st.previous)].map((s) => s.id));
  const oldest = Date.now() - 2 * summarySettings().maxAgeMs - 60_000;
  for (const { snapshot } of await background(swarmSummarySnapshotsSql(), {}, SummaryPartitionRow)) {
    if (keep.has(snapshot) || !(st.mine.has(snapshot) || snapshot < oldest)) continue;
    await command(inlineParams(swarmSummaryDropSql(), { snapshot }));
    st.mine.delete(snapshot);
  }
}

/** A preset needs a refresh: none yet, its window moved, it nears the bound, or new batches are in. */
function due(preset: SummaryPreset, now: number, commits: number): boolean {
  const snap = state().current[preset];
  if (!snap) return true;
  const { lo, hi } = planOf(preset, now);
  if (lo !== snap.lo || hi !== snap.hi) return true;
  const { maxAgeMs, intervalMs } = summarySettings();
  const age = now - snap.takenAt;
  return age >= maxAgeMs / 2 || (commits !== snap.commitsAt && age >= intervalMs);
}

/** One look: refresh the presets that need it, one after the other (never two refreshes at once). */
export async function refreshDue(log: (line: string) => void = () => {}): Promise<void> {
  const st = state();
  const now = Date.now();
  const commits = observeIngest(now);
  if (st.busy || now < st.retryAt) return;
  st.busy = true;
  try {
    for (const preset of SUMMARY_PRESETS) {
      if (!due(preset, Date.now(), commits)) continue;
      const first = !st.current[preset];
      const snap = await refreshSwarmSummary(preset);
      if (first) log(`${preset}: ${snap.total} swarms summarised in ${snap.refreshMs} ms`);
    }
  } catch (err) {
    st.retryAt = Date.now() + summarySettings().intervalMs;
    log(`refresh failed (the page answers live meanwhile): ${(err as Error).message}`);
  } finally {
    st.busy = false;
  }
}

/** Start the refresher (the server's start-up task); returns at once, the first refresh runs behind. */
export function startSwarmSummary(log: (line: string) => void = () => {}): void {
  const st = state();
  const { maxAgeMs, intervalMs } = summarySettings();
  if (maxAgeMs === 0 || st.timer) return;
  st.timer = setInterval(() => void refreshDue(log), TICK_MS);
  st.timer.unref();
  void refreshDue(log);
  log(`swarm summary kept at most ${maxAgeMs / 1000} s old, refreshed every ${intervalMs / 1000} s with new reports`);
}

/** Stop the refresher and forget the snapshots and the flow of ingestion (tests); the lane stays. */
export function resetSwarmSummary(): void {
  const st = state();
  if (st.timer) clearInterval(st.timer);
  holder.value = undefined;
  Object.assign(state(), { lane: st.lane, mine: st.mine, lastId: st.lastId });
}

/** This area's start-up task; server/startup.ts lists every task in order. */
export const swarmSummaryStartup: StartupTask = {
  name: 'swarm summary',
  run: async (log) => startSwarmSummary(log),
};

export interface SummaryPageInput {
  range: TimeRangeInput;
  sort: SwarmSortKey;
  desc: boolean;
  offset: number;
  limit: number;
  q: string;
}

export interface SwarmPage {
  page: SwarmRow[];
  trouble: SwarmRow[];
  total: number;
  troubleTotal: number;
}

/**
 * The page from the summary, or null when none applies (not a preset it keeps, filters applied, no
 * fresh snapshot of this window, or the snapshot went away under the read). `filtered`: the page
 * applies a filter (the summary holds the unfiltered fleet only).
 */
export async function summaryPage(
  input: SummaryPageInput,
  win: { lo: number; hi: number },
  filtered: boolean,
): Promise<(SwarmPage & { asOf: number }) | null> {
  if (filtered || !('preset' in input.range)) return null;
  const snap = usableSnapshot(input.range.preset, win.lo, win.hi);
  if (!snap) return null;
  const page = { offset: input.offset, limit: input.limit, troubleLimit: TROUBLE_LIST };
  if (input.sort === 'peers' && input.desc && input.q === '') {
    const rows = await query(swarmSummaryPageSql(), { snapshot: snap.id, ...page }, SummaryListRow);
    const all = rows.filter((r) => r.list === SUMMARY_ALL);
    const trouble = rows.filter((r) => r.list === SUMMARY_TROUBLE);
    const want = Math.max(0, Math.min(input.limit, snap.total - input.offset));
    if (all.length !== want || trouble.length !== Math.min(TROUBLE_LIST, snap.troubleTotal)) return null;
    return { page: all, trouble, total: snap.total, troubleTotal: snap.troubleTotal, asOf: snap.takenAt };
  }
  const rows = await query(
    swarmSummarySortedSql(input.sort, input.desc),
    { snapshot: snap.id, q: input.q, ...page },
    SwarmPageRow,
  );
  const total = rows[0]?.total ?? 0;
  // An empty answer from a snapshot that holds swarms: it may have been dropped under the read.
  if (total === 0 && snap.total > 0 && input.q === '') return null;
  return { ...pageOf(rows, input), asOf: snap.takenAt };
}

/** The page's rows and the first troubled swarms among the rows of a swarm page query. */
export function pageOf(rows: SwarmPageRow[], input: { offset: number; limit: number }): SwarmPage {
  return {
    page: rows.filter((r) => r.rn > input.offset && r.rn <= input.offset + input.limit),
    trouble: rows.filter((r) => r.in_trouble && r.trn <= TROUBLE_LIST).sort((x, y) => x.trn - y.trn),
    total: rows[0]?.total ?? 0,
    troubleTotal: rows[0]?.trouble_total ?? 0,
  };
}
