import { z } from 'zod';
import { BREAKDOWN_SORT_KEYS, Filters, ISP_SORT_KEYS, LIST_Q_MAX, SWARM_SORT_KEYS } from '@/lib/filters';
import { resolveRange, TimeRangeInput } from '@/lib/time-range';
import { query } from '../clickhouse/client';
import {
  applicableFilters,
  BreakdownPageRow,
  breakdownPageSql,
  BytesStepRow,
  bytesSeriesSql,
  DIMENSION_COLUMN,
  DIMENSIONS,
  DimOffloadRow,
  dimOffloadSql,
  filterDims,
  filterSql,
  GRAIN_SECONDS,
  IspPageRow,
  IspRow,
  IspStepRow,
  ispSeriesSql,
  topAsnsSql,
  TopAsnRow,
  ispsPageSql,
  NameRow,
  ispNamesSql,
  PairRow,
  pairsSql,
  pickSource,
  QoeRow,
  QOE_STEP,
  QOE_TABLE,
  qoeSql,
  SizeCurveRow,
  sizeCurveSql,
  SWARM_SUMMARY_TABLE,
  SwarmPageRow,
  SwarmRow,
  swarmSizeSeriesSql,
  swarmTopSizeSeriesSql,
  SwarmTopRow,
  swarmsSql,
  SwarmStepRow,
  TrafficRow,
  trafficSql,
  type Dimension,
  type Family,
  type Source,
} from '../clickhouse/queries/dashboards';
import { alignWindow, chTime, grainFor, stepSeconds, stepStarts, type Window } from './window';
import { cmcdMayOverlap, QoeSource, qoeSourceFor } from '../cmcd/qoe-source';
import { SWARM_AGGS, TROUBLE, TROUBLE_LIST, TROUBLE_PARAMS } from './swarm-rules';
import { pageOf, summaryPage } from './swarm-summary';

/**
 * Dashboard figures, each computed by one query over the narrowest rollup that carries what it needs.
 * `opts.raw` runs the very same query on telemetry_raw (same window alignment) — the rollup-vs-raw test
 * and the benchmark use it; the API never does.
 */

export const P2P_COHORT = 'p2p';
export const CONTROL_COHORT = 'control';
export const DEFAULT_COST_PER_GB = 0.02;

export const DashboardInput = z.object({ range: TimeRangeInput, filters: Filters.default({}) });
export type DashboardInput = z.input<typeof DashboardInput>;
type Input = z.infer<typeof DashboardInput>;

export interface Opts {
  raw?: boolean;
  now?: number;
  /** swarms: aggregate now, never read the background summary (tests and the benchmark compare the two) */
  live?: boolean;
}

interface Plan {
  source: Source;
  win: Window;
  /** The chart step (seconds) for the range, never finer than the grain. */
  step: number;
  /** The step is the rollup grain: each rollup bucket is one step (24 h → 15 min, 7 d → 1 h). */
  stepIsGrain: boolean;
  where: string;
  params: Record<string, unknown>;
  ignored: string[];
}

/** Pick the source for a family, align the window to its grain, build the filter clause and params. */
function plan(
  family: Family,
  input: Input,
  extraDims: string[],
  aggs: Parameters<typeof pickSource>[3],
  opts: Opts,
): Plan {
  const { applied, ignored } = applicableFilters(family, input.filters);
  const grain = grainFor(resolveRange(input.range, opts.now ?? Date.now()));
  const dims = [...new Set([...filterDims(applied), ...extraDims])];
  const rollup = pickSource(family, grain, dims, aggs);
  const source = opts.raw ? pickSource(family, grain, dims, aggs, true) : rollup;
  const grainSeconds = rollup.grain === 'raw' ? 60 : GRAIN_SECONDS[rollup.grain];
  const win = alignWindow(input.range, grainSeconds, opts.now);
  const step = stepSeconds(input.range, grainSeconds, win.now);
  const f = filterSql(applied);
  return {
    source,
    win,
    step,
    stepIsGrain: step === grainSeconds,
    where: f.sql,
    params: { ...f.params, lo: chTime(win.lo), hi: chTime(win.hi), prevLo: chTime(win.prevLo), step },
    ignored,
  };
}

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);
/** The order ClickHouse sorts these ASCII keys in (bytewise; localeCompare would differ on case). */
const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const offload = (p2p: number, cdn: number) => ratio(p2p, p2p + cdn);

function meta(p: Plan, step?: number) {
  return {
    from: p.win.lo,
    to: p.win.hi,
    grainSeconds: p.win.grainSeconds,
    stepSeconds: step ?? p.win.grainSeconds,
    live: p.win.live,
    source: p.source.name,
    ignoredFilters: p.ignored,
  };
}

// ------------------------------------------------------------------------------------------ overview

export const OverviewInput = DashboardInput.extend({
  costPerGb: z.number().min(0).max(1000).default(DEFAULT_COST_PER_GB),
});
export type OverviewInput = z.input<typeof OverviewInput>;

function trafficFigures(r: TrafficRow | undefined, seconds: number) {
  const z0 = {
    cdn: 0,
    p2p_down: 0,
    interval_ms: 0,
    peers: 0,
    play_p2p: 0,
    rebuffer_p2p: 0,
    play_control: 0,
    rebuffer_control: 0,
  };
  const x = r ?? { k: '', ...z0 };
  return {
    cdnBytes: x.cdn,
    p2pBytes: x.p2p_down,
    offload: offload(x.p2p_down, x.cdn),
    savedBytes: x.p2p_down,
    concurrentSessions: seconds > 0 ? x.interval_ms / (seconds * 1000) : null,
    activePeers: x.peers,
    rebufferP2p: ratio(x.rebuffer_p2p, x.play_p2p + x.rebuffer_p2p),
    rebufferControl: ratio(x.rebuffer_control, x.play_control + x.rebuffer_control),
  };
}
export type TrafficFigures = ReturnType<typeof trafficFigures>;

export async function overview(rawInput: OverviewInput, opts: Opts = {}) {
  const input = OverviewInput.parse(rawInput);
  const aggs = ['cdn', 'p2pDown', 'intervalMs', 'peers', 'playMs', 'rebufferMs'] as const;
  const p = plan('totals', input, [], [...aggs], opts);
  const { step } = p;
  const params = { ...p.params, p2pCohort: P2P_COHORT, controlCohort: CONTROL_COHORT };
  const [periods, steps] = await Promise.all([
    query(trafficSql(p.source, 'period', p.where), params, TrafficRow),
    query(trafficSql(p.source, 'step', p.where, p.stepIsGrain), params, TrafficRow),
  ]);
  const elapsed = (Math.min(p.win.hi, Math.max(p.win.now, p.win.lo)) - p.win.lo) / 1000;
  const current = trafficFigures(
    periods.find((r) => r.k === 'current'),
    elapsed,
  );
  const previous = trafficFigures(
    periods.find((r) => r.k === 'previous'),
    (p.win.lo - p.win.prevLo) / 1000,
  );
  const byT = new Map(steps.map((r) => [Number(r.k), r]));
  const series = stepStarts(p.win.lo, p.win.hi, step).map((t) => ({
    t: t * 1000,
    ...trafficFigures(byT.get(t), step),
  }));
  const cost = (bytes: number) => (bytes / 1e9) * input.costPerGb;
  return {
    ...meta(p, step),
    costPerGb: input.costPerGb,
    current: { ...current, savedCost: cost(current.savedBytes) },
    previous: { ...previous, savedCost: cost(previous.savedBytes) },
    series,
  };
}

// ------------------------------------------------------------------------------- offload by source

export async function offloadSeries(rawInput: DashboardInput, opts: Opts = {}) {
  const input = DashboardInput.parse(rawInput);
  const p = plan('totals', input, [], ['cdn', 'p2pDown', 'p2pUp'], opts);
  const { step } = p;
  const rows = await query(bytesSeriesSql(p.source, p.where, p.stepIsGrain), p.params, BytesStepRow);
  const byT = new Map(rows.map((r) => [r.t, r]));
  let cdn = 0;
  let p2p = 0;
  let up = 0;
  const series = stepStarts(p.win.lo, p.win.hi, step).map((t) => {
    const r = byT.get(t);
    cdn += r?.cdn ?? 0;
    p2p += r?.p2p_down ?? 0;
    up += r?.p2p_up ?? 0;
    return {
      t: t * 1000,
      cdnBytes: r?.cdn ?? 0,
      p2pBytes: r?.p2p_down ?? 0,
      p2pUpBytes: r?.p2p_up ?? 0,
      offload: offload(r?.p2p_down ?? 0, r?.cdn ?? 0),
    };
  });
  return {
    ...meta(p, step),
    totals: { cdnBytes: cdn, p2pBytes: p2p, p2pUpBytes: up, offload: offload(p2p, cdn) },
    series,
  };
}

/** A server-paged list's page and search (the ISPs, breakdown and audit lists), bounded. */
const listPage = {
  desc: z.boolean().default(true),
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(200).default(50),
  q: z.string().trim().max(LIST_Q_MAX).default(''),
};

/** The rows of a page (numbered from 1 by `rn`) among those a paged query returns. */
const inPage =
  ({ offset, limit }: { offset: number; limit: number }) =>
  (r: { rn: number }) =>
    r.rn > offset && r.rn <= offset + limit;

export const BreakdownInput = DashboardInput.extend({
  dimension: z.enum(DIMENSIONS as [Dimension, ...Dimension[]]),
  sort: z.enum(BREAKDOWN_SORT_KEYS).default('total'),
  ...listPage,
});
export type BreakdownInput = z.input<typeof BreakdownInput>;

/**
 * One page of the bytes per value of a dimension (titles, ISPs, countries, …), sorted and searched on
 * the server — a fleet has thousands of titles — with the number of matching values.
 */
export async function breakdown(rawInput: BreakdownInput, opts: Opts = {}) {
  const input = BreakdownInput.parse(rawInput);
  const col = DIMENSION_COLUMN[input.dimension];
  const p = plan('offload', input, [col], ['cdn', 'p2pDown', 'p2pUp'], opts);
  const rows = await query(
    breakdownPageSql(p.source, col, p.where, input.sort, input.desc),
    { ...p.params, offset: input.offset, limit: input.limit, q: input.q },
    BreakdownPageRow,
  );
  const names =
    input.dimension === 'asn'
      ? await ispNames(
          rows.map((r) => Number(r.key)),
          p,
          opts,
        )
      : new Map<number, string>();
  return {
    ...meta(p),
    dimension: input.dimension,
    sort: input.sort,
    desc: input.desc,
    offset: input.offset,
    limit: input.limit,
    q: input.q,
    total: rows[0]?.total ?? 0,
    rows: rows.filter(inPage(input)).map((r) => ({
      key: r.key,
      label:
        input.dimension === 'asn'
          ? `AS${r.key}${names.get(Number(r.key)) ? ` ${names.get(Number(r.key))}` : ''}`
          : r.key,
      cdnBytes: r.cdn,
      p2pBytes: r.p2p_down,
      p2pUpBytes: r.p2p_up,
      totalBytes: r.cdn + r.p2p_down,
      share: ratio(r.cdn + r.p2p_down, r.grand),
      offload: offload(r.p2p_down, r.cdn),
    })),
  };
}

async function ispNames(asns: number[], p: Plan, opts: Opts): Promise<Map<number, string>> {
  if (asns.length === 0) return new Map();
  const s = pickSource('isp', '1h', ['asn'], ['ispName'], opts.raw);
  const rows = await query(ispNamesSql(s), { lo: chTime(p.win.prevLo), hi: chTime(p.win.hi), asns }, NameRow);
  return new Map(rows.map((r) => [r.asn, r.isp]));
}

export const MOVER_DIMENSIONS = ['deviceClass', 'asn', 'contentId'] as const;

/** Device classes, ISPs and titles whose offload changed most against the previous period. */
export async function movers(rawInput: DashboardInput & { limit?: number }, opts: Opts = {}) {
  const input = DashboardInput.parse(rawInput);
  const limit = rawInput.limit ?? 5;
  const out = await Promise.all(
    MOVER_DIMENSIONS.map(async (dim) => {
      const col = DIMENSION_COLUMN[dim];
      const p = plan('offload', input, [col], ['cdn', 'p2pDown', 'p2pUp'], opts);
      const rows = await query(dimOffloadSql(p.source, col, p.where, true), p.params, DimOffloadRow);
      const m = new Map<string, { cur?: DimOffloadRow; prev?: DimOffloadRow }>();
      for (const r of rows) {
        const e = m.get(r.key) ?? {};
        if (r.period === 'current') e.cur = r;
        else e.prev = r;
        m.set(r.key, e);
      }
      const names = dim === 'asn' ? await ispNames([...m.keys()].map(Number), p, opts) : new Map<number, string>();
      const list = [...m.entries()]
        .map(([key, e]) => {
          const cur = e.cur ? offload(e.cur.p2p_down, e.cur.cdn) : null;
          const prev = e.prev ? offload(e.prev.p2p_down, e.prev.cdn) : null;
          return {
            key,
            label: dim === 'asn' ? `AS${key}${names.get(Number(key)) ? ` ${names.get(Number(key))}` : ''}` : key,
            offload: cur,
            previousOffload: prev,
            change: cur !== null && prev !== null ? cur - prev : null,
            bytes: e.cur ? e.cur.cdn + e.cur.p2p_down : 0,
          };
        })
        .filter((x) => x.change !== null)
        .sort((x, y) => Math.abs(y.change!) - Math.abs(x.change!) || x.key.localeCompare(y.key))
        .slice(0, limit);
      return [dim, { ...meta(p), rows: list }] as const;
    }),
  );
  return Object.fromEntries(out) as Record<(typeof MOVER_DIMENSIONS)[number], (typeof out)[number][1]>;
}

// ------------------------------------------------------------------------------------------- swarms

export { TROUBLE, TROUBLE_LIST } from './swarm-rules';

export const SWARM_SORTS = SWARM_SORT_KEYS;

export const SwarmsInput = DashboardInput.extend({
  sort: z.enum(SWARM_SORTS).default('peers'),
  desc: z.boolean().default(true),
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(200).default(50),
  q: z.string().trim().max(128).default(''),
});
export type SwarmsInput = z.input<typeof SwarmsInput>;

function swarmFigures(r: SwarmRow) {
  const off = offload(r.p2p_down, r.cdn);
  const success = r.attempts > 0 ? 1 - r.failures / r.attempts : null;
  const reasons: string[] = [];
  if (r.peers >= TROUBLE.minPeers && off !== null && off < TROUBLE.minOffload) {
    reasons.push(`large (${r.peers} peers) but offload only ${(off * 100).toFixed(1)} %`);
  }
  if (r.attempts >= TROUBLE.minAttempts && success !== null && success < TROUBLE.minSuccess) {
    reasons.push(`connection success only ${(success * 100).toFixed(1)} %`);
  }
  return {
    swarmId: r.swarm_id,
    contentId: r.content,
    activePeers: r.peers,
    uploadingPeers: r.uploading_peers,
    meanConnected: ratio(r.connected, r.reports),
    connectionSuccess: success,
    offload: off,
    upDownRatio: ratio(r.p2p_up, r.p2p_down),
    cdnBytes: r.cdn,
    p2pBytes: r.p2p_down,
    p2pUpBytes: r.p2p_up,
    trouble: reasons,
  };
}

/**
 * One page of the swarms of the window, sorted and searched on the server (a fleet has tens of
 * thousands), with the total, and the largest swarms in trouble with their count. An unfiltered preset
 * range reads the background summary when a fresh one holds this window (swarm-summary.ts: `asOf` is
 * then the time its figures hold, and `source` names it); otherwise, and always with `opts.live` or
 * `opts.raw`, every swarm of the window is aggregated now (`asOf` null).
 */
export async function swarms(rawInput: SwarmsInput, opts: Opts = {}) {
  const input = SwarmsInput.parse(rawInput);
  const p = plan('swarm', input, ['swarm_id'], [...SWARM_AGGS], opts);
  const summary = opts.raw || opts.live ? null : await summaryPage(input, p.win, p.where !== '');
  const r =
    summary ??
    pageOf(
      await query(
        swarmsSql(p.source, p.where, input.sort, input.desc),
        {
          ...p.params,
          offset: input.offset,
          limit: input.limit,
          troubleLimit: TROUBLE_LIST,
          q: input.q,
          ...TROUBLE_PARAMS,
        },
        SwarmPageRow,
      ),
      input,
    );
  return {
    ...meta(p),
    source: summary ? SWARM_SUMMARY_TABLE : p.source.name,
    sort: input.sort,
    desc: input.desc,
    offset: input.offset,
    limit: input.limit,
    q: input.q,
    total: r.total,
    rows: r.page.map(swarmFigures),
    troubleTotal: r.troubleTotal,
    trouble: r.trouble.map(swarmFigures),
    /** When the figures come from the summary: the time they hold (ms); null when computed now. */
    asOf: summary?.asOf ?? null,
  };
}

export const SwarmSeriesInput = DashboardInput.extend({
  swarmIds: z.array(z.string().min(1).max(128)).max(10).optional(),
});
export type SwarmSeriesInput = z.input<typeof SwarmSeriesInput>;

/** Active peers per step for the given swarms (default: the five largest in the range). */
export async function swarmSizeSeries(rawInput: SwarmSeriesInput, opts: Opts = {}) {
  const input = SwarmSeriesInput.parse(rawInput);
  const p = plan('swarm', input, ['swarm_id'], ['peers'], opts);
  const { step } = p;
  let ids = input.swarmIds ?? [];
  let rows: SwarmStepRow[];
  if (ids.length) {
    rows = await query(
      swarmSizeSeriesSql(p.source, p.where, p.stepIsGrain),
      { ...p.params, swarms: ids },
      SwarmStepRow,
    );
  } else {
    const top = await query(swarmTopSizeSeriesSql(p.source, p.where, p.stepIsGrain), p.params, SwarmTopRow);
    ids = top.map((r) => r.swarm_id);
    rows = top.flatMap((r) => r.steps.map(([t, peers]) => ({ t, swarm_id: r.swarm_id, peers })));
  }
  const byT = new Map<number, Record<string, number>>();
  for (const r of rows) byT.set(r.t, { ...(byT.get(r.t) ?? {}), [r.swarm_id]: r.peers });
  const series = stepStarts(p.win.lo, p.win.hi, step).map((t) => ({
    t: t * 1000,
    peers: Object.fromEntries(ids.map((id) => [id, byT.get(t)?.[id] ?? 0])),
  }));
  return { ...meta(p, step), swarmIds: ids, series };
}

/** How many peers a swarm needs before P2P pays off: offload by swarm-size class. */
export async function sizeCurve(rawInput: DashboardInput, opts: Opts = {}) {
  const input = DashboardInput.parse(rawInput);
  const p = plan('swarm', input, ['swarm_id'], ['peers', 'cdn', 'p2pDown'], opts);
  const rows = await query(sizeCurveSql(p.source, p.where), { ...p.params, step: p.win.grainSeconds }, SizeCurveRow);
  return {
    ...meta(p),
    points: rows.map((r) => ({
      sizeClass: r.size_class,
      label: r.size_class <= 2 ? `${r.size_class}` : `${r.size_class / 2 + 1}–${r.size_class}`,
      samples: r.samples,
      cdnBytes: r.cdn,
      p2pBytes: r.p2p_down,
      offload: offload(r.p2p_down, r.cdn),
    })),
  };
}

// --------------------------------------------------------------------------------------------- ISPs

function ispFigures(r: IspRow) {
  return {
    asn: r.asn,
    isp: r.isp,
    deliveredCdn: r.cdn,
    p2pDown: r.p2p_down,
    p2pUp: r.p2p_up,
    p2pIntra: r.intra,
    p2pIn: r.p_in,
    p2pOut: r.p_out,
    unknownPeerDown: r.unknown_down,
    unknownPeerUp: r.unknown_up,
    balance: ratio(r.p_out, r.p_in),
    offload: offload(r.p2p_down, r.cdn),
  };
}

/** Started 5-minute buckets of [lo, hi): those whose start is not after now. */
function startedBuckets(win: Window): { n: number; startedHi: number } {
  const five = 300_000;
  const startedHi = Math.min(win.hi, Math.floor(win.now / five) * five + five);
  const n = Math.max(0, Math.ceil((startedHi - win.lo) / five));
  return { n, startedHi: Math.max(win.lo, startedHi) };
}

export const IspsInput = DashboardInput.extend({ sort: z.enum(ISP_SORT_KEYS).default('cdn'), ...listPage });
export type IspsInput = z.input<typeof IspsInput>;

/**
 * One page of the ISPs of the window, sorted (any column, the p95 peak too) and searched by name or
 * ASN on the server, with the number of matches.
 */
export async function isps(rawInput: IspsInput, opts: Opts = {}) {
  const input = IspsInput.parse(rawInput);
  const p = plan('isp', input, ['asn'], ['cdn', 'pIn', 'pOut', 'intra', 'ispName'], opts);
  const { n, startedHi } = startedBuckets(p.win);
  const peakSource = n > 0 ? pickSource('isp', '1m', ['asn'], ['cdn', 'pIn'], opts.raw) : null;
  const rows = await query(
    ispsPageSql(p.source, p.where, peakSource, input.sort, input.desc),
    {
      ...p.params,
      ...(peakSource ? { n, k: Math.ceil(0.95 * n), startedHi: chTime(startedHi) } : {}),
      offset: input.offset,
      limit: input.limit,
      q: input.q,
    },
    IspPageRow,
  );
  return {
    ...meta(p),
    sort: input.sort,
    desc: input.desc,
    offset: input.offset,
    limit: input.limit,
    q: input.q,
    total: rows[0]?.total ?? 0,
    rows: rows.filter(inPage(input)).map((r) => ({ ...ispFigures(r), peakMbpsP95: (r.peak_bytes * 8) / 300 / 1e6 })),
  };
}

export const IspSeriesInput = DashboardInput.extend({ asns: z.array(z.number().int().min(0)).max(10).optional() });
export type IspSeriesInput = z.input<typeof IspSeriesInput>;

/** Balance and traffic per step of the given ASNs (default: the five with most traffic). */
export async function ispSeries(rawInput: IspSeriesInput, opts: Opts = {}) {
  const input = IspSeriesInput.parse(rawInput);
  const p = plan('isp', input, ['asn'], ['cdn', 'pIn', 'pOut', 'intra'], opts);
  const { step } = p;
  let asns = input.asns;
  if (!asns?.length) {
    const top = await query(topAsnsSql(p.source, p.where), p.params, TopAsnRow);
    asns = top.map((r) => r.asn);
  }
  const rows = asns.length
    ? await query(ispSeriesSql(p.source, p.where, p.stepIsGrain), { ...p.params, asns }, IspStepRow)
    : [];
  const byKey = new Map(rows.map((r) => [`${r.t}:${r.asn}`, r]));
  const series = stepStarts(p.win.lo, p.win.hi, step).map((t) => ({
    t: t * 1000,
    byAsn: Object.fromEntries(
      asns.map((asn) => {
        const r = byKey.get(`${t}:${asn}`);
        return [
          asn,
          {
            deliveredCdn: r?.cdn ?? 0,
            p2pIntra: r?.intra ?? 0,
            p2pIn: r?.p_in ?? 0,
            p2pOut: r?.p_out ?? 0,
            balance: r ? ratio(r.p_out, r.p_in) : null,
          },
        ];
      }),
    ),
  }));
  return { ...meta(p, step), asns, series };
}

export const FlowsInput = DashboardInput.extend({ top: z.number().int().min(2).max(30).default(10) });
export type FlowsInput = z.input<typeof FlowsInput>;

/** The ISP × ISP flow matrix of the top N ASNs by cross-ISP volume (down bytes, reporter × remote). */
export async function ispFlows(rawInput: FlowsInput, opts: Opts = {}) {
  const input = FlowsInput.parse(rawInput);
  const p = plan('pair', input, [], ['flowDown', 'flowUp'], opts);
  const asn = input.filters.asn ?? 0;
  const rows = await query(pairsSql(p.source), { ...p.params, asn }, PairRow);
  const volume = new Map<number, number>();
  for (const r of rows) {
    if (r.peer_asn === 0) continue;
    volume.set(r.asn, (volume.get(r.asn) ?? 0) + r.down + r.up);
    volume.set(r.peer_asn, (volume.get(r.peer_asn) ?? 0) + r.down + r.up);
  }
  const top = [...volume.entries()]
    .sort((x, y) => y[1] - x[1] || x[0] - y[0])
    .slice(0, input.top)
    .map(([a]) => a);
  const inTop = new Set(top);
  const names = await ispNames(top, p, opts);
  return {
    ...meta(p),
    asns: top.map((a) => ({ asn: a, isp: names.get(a) ?? '' })),
    cells: rows
      .filter((r) => inTop.has(r.asn) && inTop.has(r.peer_asn))
      .map((r) => ({ from: r.peer_asn, to: r.asn, bytes: r.down }))
      .sort((x, y) => x.to - y.to || x.from - y.from),
    unknownPeerBytes: rows.filter((r) => r.peer_asn === 0).reduce((s, r) => s + r.down, 0),
  };
}

export const IspDetailInput = DashboardInput.extend({ asn: z.number().int().min(0).max(4_294_967_295) });
export type IspDetailInput = z.input<typeof IspDetailInput>;

/** Everything of the ISPs page for one ASN: its row, its series and its partner ISPs. */
export async function ispDetail(rawInput: IspDetailInput, opts: Opts = {}) {
  const input = IspDetailInput.parse(rawInput);
  const scoped = { ...input, filters: { ...input.filters, asn: input.asn } };
  const [table, series, flows] = await Promise.all([
    isps(scoped, opts),
    ispSeries({ ...scoped, asns: [input.asn] }, opts),
    (async () => {
      const p = plan('pair', scoped, [], ['flowDown', 'flowUp'], opts);
      return query(pairsSql(p.source), { ...p.params, asn: input.asn }, PairRow);
    })(),
  ]);
  const row = table.rows.find((r) => r.asn === input.asn) ?? null;
  const partners = new Map<number, { peerAsn: number; inBytes: number; outBytes: number }>();
  for (const r of flows) {
    if (r.asn !== input.asn || r.peer_asn === input.asn) continue;
    const e = partners.get(r.peer_asn) ?? { peerAsn: r.peer_asn, inBytes: 0, outBytes: 0 };
    e.inBytes += r.down;
    e.outBytes += r.up;
    partners.set(r.peer_asn, e);
  }
  const names = await ispNames([...partners.keys()], plan('isp', scoped, ['asn'], ['ispName'], opts), opts);
  return {
    ...table,
    asn: input.asn,
    row,
    series: series.series.map((s) => ({ t: s.t, ...s.byAsn[input.asn]! })),
    stepSeconds: series.stepSeconds,
    partners: [...partners.values()]
      .map((x) => ({ ...x, isp: x.peerAsn === 0 ? 'unknown peer ISP' : (names.get(x.peerAsn) ?? '') }))
      .sort((x, y) => y.inBytes + y.outBytes - (x.inBytes + x.outBytes) || x.peerAsn - y.peerAsn),
  };
}

// ---------------------------------------------------------------------------------------------- QoE

function qoeFigures(r: Pick<QoeRow, 'play' | 'rebuf' | 'bitrate_play' | 'sessions' | 'fatal_sessions' | 'startup'>) {
  const nan = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? null : v);
  return {
    rebufferRatio: ratio(r.rebuf, r.play + r.rebuf),
    startupP50: nan(r.startup[0]),
    startupP95: nan(r.startup[1]),
    failureRate: ratio(r.fatal_sessions, r.sessions),
    avgBitrateKbps: ratio(r.bitrate_play, r.play),
    playMs: r.play,
    rebufferMs: r.rebuf,
    sessions: r.sessions,
    failedSessions: r.fatal_sessions,
  };
}

/** `source`: SDK telemetry, CMCD event reports (server/cmcd), or both with each session counted once. */
export const QoeInput = DashboardInput.extend({ source: QoeSource.default('all') });
export type QoeInput = z.input<typeof QoeInput>;

export async function qoe(rawInput: QoeInput, opts: Opts = {}) {
  const input = QoeInput.parse(rawInput);
  const aggs = ['playMs', 'rebufferMs', 'bitratePlay', 'sessions', 'fatalSessions', 'startup'] as const;
  const p = plan('totals', input, ['cohort', 'device_class'], [...aggs], opts);
  const { step } = p;
  // Same query; for CMCD its FROM becomes the SDK source UNION the CMCD intervals (skipped when none can match).
  const sdkOnly = input.source === 'sdk' || (input.source === 'all' && !(await cmcdMayOverlap(p.win.lo, p.win.hi)));
  const source = sdkOnly ? p.source : qoeSourceFor(p.source, input.source);
  const rows = await query(qoeSql(source, p.where, p.stepIsGrain), p.params, QoeRow);
  const steps = rows.filter((r) => r.g === QOE_STEP);
  const table = rows
    .filter((r) => r.g === QOE_TABLE)
    .sort((x, y) => byBytes(x.cohort, y.cohort) || byBytes(x.device_class, y.device_class));
  const cohorts = [...new Set(table.map((r) => r.cohort))].sort();
  const byKey = new Map(steps.map((r) => [`${r.t}:${r.cohort}`, r]));
  const series = stepStarts(p.win.lo, p.win.hi, step).map((t) => ({
    t: t * 1000,
    byCohort: Object.fromEntries(
      cohorts.map((c) => {
        const r = byKey.get(`${t}:${c}`);
        return [c, r ? qoeFigures(r) : null];
      }),
    ),
  }));
  return {
    ...meta(p, step),
    qoeSource: input.source,
    cohorts,
    series,
    byCohortDevice: table.map((r) => ({ cohort: r.cohort, deviceClass: r.device_class, ...qoeFigures(r) })),
  };
}

/** Every procedure by name, for the benchmark and the rollup-vs-raw test. */
export const FIGURES = {
  overview,
  offloadSeries,
  breakdown,
  movers,
  swarms,
  swarmSizeSeries,
  sizeCurve,
  isps,
  ispSeries,
  ispFlows,
  ispDetail,
  qoe,
} as const;
