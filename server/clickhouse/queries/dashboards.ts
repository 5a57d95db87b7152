import { z } from 'zod';
import type { BreakdownSortKey, Filters, FilterKey, IspSortKey, SwarmSortKey } from '@/lib/filters';

/**
 * Dashboard SQL beside its row schemas. Each figure is ONE query written against a `Source`: a rollup
 * (minute, 5-minute, 15-minute or hour grain — the grain is only the table name and the bucket column) or the raw
 * table (for the rollup-vs-raw test and the benchmark). Identifiers come only from the constants below;
 * every value is a bound `{name:Type}` parameter.
 */

export type Grain = '1m' | '5m' | '15m' | '1h';
export const GRAIN_SECONDS: Record<Grain, number> = { '1m': 60, '5m': 300, '15m': 900, '1h': 3600 };

/** The ISP and ISP-pair rollups (plain byte sums, cheap at any range) exist at 5-minute and hour grain only. */
const ispGrain = (g: Grain): Grain => (g === '1h' ? '1h' : '5m');

/** Column of each filter key, the same in the raw table and in every rollup that carries it. */
export const FILTER_COLUMN: Record<FilterKey, { col: string; type: string }> = {
  deviceClass: { col: 'device_class', type: 'String' },
  asn: { col: 'asn', type: 'UInt32' },
  country: { col: 'country', type: 'String' },
  contentId: { col: 'content_id', type: 'String' },
  clientVersion: { col: 'client_version', type: 'String' },
  cohort: { col: 'cohort', type: 'String' },
};

/** Breakdown dimensions (URL/API name → column). */
export const DIMENSION_COLUMN = {
  deviceClass: 'device_class',
  p2pMode: 'p2p_mode',
  asn: 'asn',
  country: 'country',
  contentId: 'content_id',
  clientVersion: 'client_version',
  cohort: 'cohort',
} as const;
export type Dimension = keyof typeof DIMENSION_COLUMN;
export const DIMENSIONS = Object.keys(DIMENSION_COLUMN) as Dimension[];

type Agg =
  | 'reports'
  | 'cdn'
  | 'p2pDown'
  | 'p2pUp'
  | 'intervalMs'
  | 'playMs'
  | 'rebufferMs'
  | 'bitratePlay'
  | 'sessions'
  | 'peers'
  | 'fatalSessions'
  | 'startup'
  | 'connected'
  | 'attempts'
  | 'failures'
  | 'uploadingPeers'
  | 'contentId'
  | 'ispName'
  | 'intra'
  | 'pIn'
  | 'pOut'
  | 'unknownDown'
  | 'unknownUp'
  | 'flowDown'
  | 'flowUp';

export interface Source {
  name: string;
  /** FROM clause (a table constant, possibly with an ARRAY JOIN). */
  from: string;
  /** The DateTime column the range and buckets apply to. */
  time: string;
  grain: Grain | 'raw';
  dims: readonly string[];
  agg: Partial<Record<Agg, string>>;
}

const TOTALS_AGG: Source['agg'] = {
  reports: 'sum(reports)',
  cdn: 'sum(bytes_cdn)',
  p2pDown: 'sum(bytes_p2p_down)',
  p2pUp: 'sum(bytes_p2p_up)',
  intervalMs: 'sum(interval_ms)',
  playMs: 'sum(play_ms)',
  rebufferMs: 'sum(rebuffer_ms)',
  bitratePlay: 'sum(bitrate_play)',
  sessions: 'uniqExactArray(session_set)',
  peers: 'uniqExactArray(peer_set)',
  fatalSessions: 'uniqExactArray(fatal_session_set)',
  startup: 'quantilesExactInclusiveArray(0.5, 0.95)(startup_samples)',
};
const SWARM_AGG: Source['agg'] = {
  reports: 'sum(reports)',
  cdn: 'sum(bytes_cdn)',
  p2pDown: 'sum(bytes_p2p_down)',
  p2pUp: 'sum(bytes_p2p_up)',
  connected: 'sum(peers_connected)',
  attempts: 'sum(peer_attempts)',
  failures: 'sum(peer_failures)',
  peers: 'uniqExactArray(peer_set)',
  uploadingPeers: 'uniqExactArray(uploading_peer_set)',
  contentId: 'anyLast(content_id)',
};
const ISP_AGG: Source['agg'] = {
  reports: 'sum(reports)',
  cdn: 'sum(bytes_cdn)',
  p2pDown: 'sum(bytes_p2p_down)',
  p2pUp: 'sum(bytes_p2p_up)',
  ispName: 'anyLast(isp)',
  intra: 'sum(p2p_intra)',
  pIn: 'sum(p2p_in)',
  pOut: 'sum(p2p_out)',
  unknownDown: 'sum(p2p_unknown_down)',
  unknownUp: 'sum(p2p_unknown_up)',
};
const RAW_AGG: Source['agg'] = {
  reports: 'count()',
  cdn: 'sum(bytes_cdn)',
  p2pDown: 'sum(bytes_p2p_down)',
  p2pUp: 'sum(bytes_p2p_up)',
  intervalMs: 'sum(interval_ms)',
  playMs: 'sum(play_ms)',
  rebufferMs: 'sum(rebuffer_ms)',
  bitratePlay: 'sum(toUInt64(bitrate_kbps) * play_ms)',
  sessions: 'uniqExact(cityHash64(session_id))',
  peers: 'uniqExact(cityHash64(peer_id))',
  fatalSessions: "uniqExactIf(cityHash64(session_id), fatal_error != '')",
  startup: 'quantilesExactInclusiveIf(0.5, 0.95)(assumeNotNull(startup_ms), isNotNull(startup_ms))',
  connected: 'sum(peers_connected)',
  attempts: 'sum(peer_attempts)',
  failures: 'sum(peer_failures)',
  uploadingPeers: 'uniqExactIf(cityHash64(peer_id), bytes_p2p_up > 0)',
  contentId: 'anyLast(toString(content_id))',
  ispName: 'anyLast(toString(isp))',
  intra: 'sum(arraySum(arrayMap((a, d) -> if(a = asn, d, 0), flows_peer_asn, flows_down)))',
  pIn: 'sum(arraySum(arrayMap((a, d) -> if(a != asn AND a != 0, d, 0), flows_peer_asn, flows_down)))',
  pOut: 'sum(arraySum(arrayMap((a, u) -> if(a != asn AND a != 0, u, 0), flows_peer_asn, flows_up)))',
  unknownDown: 'sum(arraySum(arrayMap((a, d) -> if(a = 0, d, 0), flows_peer_asn, flows_down)))',
  unknownUp: 'sum(arraySum(arrayMap((a, u) -> if(a = 0, u, 0), flows_peer_asn, flows_up)))',
};

const ALL_DIMS = ['device_class', 'cohort', 'p2p_mode', 'asn', 'country', 'content_id', 'client_version', 'swarm_id'];

function rollup(table: string, grain: Grain, dims: string[], agg: Source['agg']): Source {
  return { name: `${table}_${grain}`, from: `${table}_${grain}`, time: 'bucket', grain, dims, agg };
}

export const RAW: Source = {
  name: 'telemetry_raw',
  from: 'telemetry_raw',
  time: 'ts',
  grain: 'raw',
  dims: ALL_DIMS,
  agg: RAW_AGG,
};
const RAW_PAIRS: Source = {
  name: 'telemetry_raw_flows',
  from: 'telemetry_raw ARRAY JOIN flows_peer_asn AS peer_asn, flows_down AS flow_down, flows_up AS flow_up',
  time: 'ts',
  grain: 'raw',
  dims: [...ALL_DIMS, 'peer_asn'],
  agg: { flowDown: 'sum(flow_down)', flowUp: 'sum(flow_up)' },
};

/** Families of rollups: each question reads the narrowest one that carries its dimensions. */
export const FAMILIES = {
  totals: (g: Grain) => [
    rollup('dash_totals', g, ['device_class', 'cohort', 'p2p_mode'], TOTALS_AGG),
    rollup(
      'dash_totals_wide',
      g,
      ['device_class', 'cohort', 'p2p_mode', 'asn', 'country', 'content_id', 'client_version'],
      TOTALS_AGG,
    ),
  ],
  /** Offload by one title or ISP, unfiltered: the swarm and ISP rollups are far smaller than the wide one. */
  offload: (g: Grain) => [
    rollup('dash_totals', g, ['device_class', 'cohort', 'p2p_mode'], TOTALS_AGG),
    rollup('dash_swarm', g, ['content_id'], SWARM_AGG),
    rollup('dash_isp', ispGrain(g), ['asn'], ISP_AGG),
    rollup(
      'dash_totals_wide',
      g,
      ['device_class', 'cohort', 'p2p_mode', 'asn', 'country', 'content_id', 'client_version'],
      TOTALS_AGG,
    ),
  ],
  swarm: (g: Grain) => [rollup('dash_swarm', g, ['swarm_id', 'content_id'], SWARM_AGG)],
  isp: (g: Grain) => [rollup('dash_isp', ispGrain(g), ['asn'], ISP_AGG)],
  pair: (g: Grain) => [
    rollup('dash_isp_pair', ispGrain(g), ['asn', 'peer_asn'], { flowDown: 'sum(down)', flowUp: 'sum(up)' }),
  ],
} as const;
export type Family = keyof typeof FAMILIES;

export class UnsupportedQuery extends Error {}

/**
 * The narrowest source of a family carrying `dims` and `aggs`, or the raw table (flows through its
 * ARRAY JOIN for the pair family) when `raw` is asked for.
 */
export function pickSource(family: Family, grain: Grain, dims: string[], aggs: Agg[], raw = false): Source {
  if (raw) return family === 'pair' ? RAW_PAIRS : RAW;
  for (const s of FAMILIES[family](grain)) {
    if (dims.every((d) => s.dims.includes(d)) && aggs.every((a) => s.agg[a])) return s;
  }
  throw new UnsupportedQuery(`no ${family} rollup carries ${dims.join(', ')}`);
}

/** The filter keys a family can apply (others are reported back as not applied). */
export function applicableFilters(family: Family, filters: Filters): { applied: Filters; ignored: FilterKey[] } {
  const widest = FAMILIES[family]('1h').reduce<string[]>((acc, s) => [...acc, ...s.dims], []);
  const applied: Record<string, unknown> = {};
  const ignored: FilterKey[] = [];
  for (const [k, v] of Object.entries(filters) as [FilterKey, unknown][]) {
    if (v === undefined) continue;
    if (widest.includes(FILTER_COLUMN[k].col)) applied[k] = v;
    else ignored.push(k);
  }
  return { applied: applied as Filters, ignored };
}

export function filterDims(filters: Filters): string[] {
  return (Object.keys(filters) as FilterKey[]).filter((k) => filters[k] !== undefined).map((k) => FILTER_COLUMN[k].col);
}

/** `AND col = {f_key:Type}` for each filter, plus the params. */
export function filterSql(filters: Filters): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  for (const key of Object.keys(filters) as FilterKey[]) {
    const v = filters[key];
    if (v === undefined) continue;
    const { col, type } = FILTER_COLUMN[key];
    parts.push(`AND ${col} = {f_${key}:${type}}`);
    params[`f_${key}`] = v;
  }
  return { sql: parts.join(' '), params };
}

function a(s: Source, name: Agg): string {
  const e = s.agg[name];
  if (!e) throw new UnsupportedQuery(`${s.name} has no ${name}`);
  return e;
}

/**
 * The chart step a row falls in, as unix seconds. On a rollup whose grain is the step (24 h → 15 min,
 * 7 d → 1 h) the bucket is its own step and no per-row rounding is needed; otherwise the time is rounded
 * down to `{step}`. Both give the same value, so raw and rollup figures stay equal.
 */
function stepExpr(s: Source, stepIsGrain: boolean): string {
  return stepIsGrain && s.grain !== 'raw'
    ? `toUnixTimestamp(${s.time})`
    : `toUnixTimestamp(toStartOfInterval(toDateTime(${s.time}), toIntervalSecond({step:UInt32})))`;
}

const num = z.coerce.number();
const maybeNum = z.union([z.number(), z.string(), z.null()]).transform((v) => (v === null ? null : Number(v)));

// ---------------------------------------------------------------- traffic totals by period and step

export const TrafficRow = z.object({
  k: z.string(),
  cdn: num,
  p2p_down: num,
  interval_ms: num,
  peers: num,
  play_p2p: num,
  rebuffer_p2p: num,
  play_control: num,
  rebuffer_control: num,
});
export type TrafficRow = z.infer<typeof TrafficRow>;

/**
 * Offload, saved bytes, session time, distinct peers and the two cohorts' rebuffering, grouped by a key:
 * the chart step (`keyExpr = step`) or the period (`keyExpr = period`: current vs previous).
 */
export function trafficSql(s: Source, key: 'step' | 'period', where: string, stepIsGrain = false): string {
  // play/rebuffer are plain sums in every source, so the per-cohort split is the same sum with -If.
  const sumIf = (agg: Agg, cohortParam: string) =>
    a(s, agg).replace(/^sum\((.*)\)$/, `sumIf($1, cohort = {${cohortParam}:String})`);
  const keyExpr =
    key === 'step'
      ? `toString(${stepExpr(s, stepIsGrain)})`
      : `if(${s.time} >= {lo:DateTime('UTC')}, 'current', 'previous')`;
  const lo = key === 'step' ? "{lo:DateTime('UTC')}" : "{prevLo:DateTime('UTC')}";
  return `SELECT ${keyExpr} AS k,
  ${a(s, 'cdn')} AS cdn, ${a(s, 'p2pDown')} AS p2p_down,
  ${a(s, 'intervalMs')} AS interval_ms, ${a(s, 'peers')} AS peers,
  ${sumIf('playMs', 'p2pCohort')} AS play_p2p, ${sumIf('rebufferMs', 'p2pCohort')} AS rebuffer_p2p,
  ${sumIf('playMs', 'controlCohort')} AS play_control, ${sumIf('rebufferMs', 'controlCohort')} AS rebuffer_control
FROM ${s.from}
WHERE ${s.time} >= ${lo} AND ${s.time} < {hi:DateTime('UTC')} ${where}
GROUP BY k`;
}

export const BytesStepRow = z.object({ t: num, cdn: num, p2p_down: num, p2p_up: num });
export type BytesStepRow = z.infer<typeof BytesStepRow>;

/** Bytes by source per chart step — only the three columns the offload chart shows are read. */
export function bytesSeriesSql(s: Source, where: string, stepIsGrain = false): string {
  return `SELECT ${stepExpr(s, stepIsGrain)} AS t,
  ${a(s, 'cdn')} AS cdn, ${a(s, 'p2pDown')} AS p2p_down, ${a(s, 'p2pUp')} AS p2p_up
FROM ${s.from}
WHERE ${s.time} >= {lo:DateTime('UTC')} AND ${s.time} < {hi:DateTime('UTC')} ${where}
GROUP BY t`;
}

// ---------------------------------------------------------------- offload by a dimension, two periods

export const DimOffloadRow = z.object({ key: z.string(), period: z.string(), cdn: num, p2p_down: num, p2p_up: num });
export type DimOffloadRow = z.infer<typeof DimOffloadRow>;

/** Bytes per value of one dimension column, for the current and (optionally) the previous period. */
export function dimOffloadSql(s: Source, col: string, where: string, withPrevious: boolean): string {
  const lo = withPrevious ? "{prevLo:DateTime('UTC')}" : "{lo:DateTime('UTC')}";
  return `SELECT toString(${col}) AS key, if(${s.time} >= {lo:DateTime('UTC')}, 'current', 'previous') AS period,
  ${a(s, 'cdn')} AS cdn, ${a(s, 'p2pDown')} AS p2p_down, ${a(s, 'p2pUp')} AS p2p_up
FROM ${s.from}
WHERE ${s.time} >= ${lo} AND ${s.time} < {hi:DateTime('UTC')} ${where}
GROUP BY key, period`;
}

export const BreakdownPageRow = z.object({
  key: z.string(),
  cdn: num,
  p2p_down: num,
  p2p_up: num,
  grand: num,
  total: num,
  rn: num,
});
export type BreakdownPageRow = z.infer<typeof BreakdownPageRow>;

/** Sortable columns of a breakdown → their SQL over the per-value aggregate (constants only). */
export const BREAKDOWN_SORT_EXPRESSIONS: Record<BreakdownSortKey, string> = {
  // An ISP's label is `AS<key> <name>`: it sorts as its key does.
  label: 'key',
  cdn: 'cdn',
  p2p: 'p2p_down',
  total: 'cdn + p2p_down',
  share: 'cdn + p2p_down',
  offload: 'p2p_down / nullIf(p2p_down + cdn, 0)',
  up: 'p2p_up',
};

/**
 * One page of the bytes per value of one dimension column in [lo, hi), sorted and searched in the
 * engine, with the number of matching values (`total`) and the bytes of every value (`grand`, taken
 * before the search so a row's share stays its share of all traffic). The last row comes too, so the
 * total is known on a page past the end; the caller keeps the page's rows. Params: offset, limit, q
 * (substring of the value — of `AS<asn>` for ISPs — '' for all).
 */
export function breakdownPageSql(
  s: Source,
  col: string,
  where: string,
  sort: BreakdownSortKey = 'total',
  desc = true,
): string {
  const dir = desc ? 'DESC' : 'ASC';
  return `SELECT * FROM (
  SELECT *, count() OVER () AS total,
    row_number() OVER (ORDER BY ${BREAKDOWN_SORT_EXPRESSIONS[sort]} ${dir} NULLS LAST, key) AS rn
  FROM (
    SELECT *, sum(cdn + p2p_down) OVER () AS grand FROM (
      SELECT toString(${col}) AS key, ${a(s, 'cdn')} AS cdn, ${a(s, 'p2pDown')} AS p2p_down, ${a(s, 'p2pUp')} AS p2p_up
      FROM ${s.from}
      WHERE ${s.time} >= {lo:DateTime('UTC')} AND ${s.time} < {hi:DateTime('UTC')} ${where}
      GROUP BY key
    )
  )
  WHERE {q:String} = '' OR positionCaseInsensitive(${col === 'asn' ? "concat('AS', key)" : 'key'}, {q:String}) > 0
)
WHERE (rn > {offset:UInt32} AND rn <= {offset:UInt32} + {limit:UInt32}) OR rn = total
ORDER BY rn`;
}

// ---------------------------------------------------------------- QoE by cohort × device class × step

export const QoeRow = z.object({
  /** Which grouping set the row belongs to: `QOE_STEP` (t × cohort) or `QOE_TABLE` (cohort × device class). */
  g: num,
  t: num,
  cohort: z.string(),
  device_class: z.string(),
  play: num,
  rebuf: num,
  bitrate_play: num,
  sessions: num,
  fatal_sessions: num,
  startup: z.array(maybeNum),
});
export type QoeRow = z.infer<typeof QoeRow>;
/** `grouping(t, device_class)`: 1 when device_class is rolled up (the per-step rows), 2 when t is (the table). */
export const QOE_STEP = 1;
export const QOE_TABLE = 2;

/**
 * QoE per step and cohort, and per cohort × device class for the whole range, in ONE query with two
 * grouping sets: every session set and startup sample is read once instead of once per figure (reading
 * them dominates the cost; each set unions exactly what the separate queries unioned).
 */
export function qoeSql(s: Source, where: string, stepIsGrain = false): string {
  return `SELECT grouping(t, device_class) AS g,
  ${stepExpr(s, stepIsGrain)} AS t,
  toString(cohort) AS cohort, toString(device_class) AS device_class,
  ${a(s, 'playMs')} AS play, ${a(s, 'rebufferMs')} AS rebuf, ${a(s, 'bitratePlay')} AS bitrate_play,
  ${a(s, 'sessions')} AS sessions, ${a(s, 'fatalSessions')} AS fatal_sessions, ${a(s, 'startup')} AS startup
FROM ${s.from}
WHERE ${s.time} >= {lo:DateTime('UTC')} AND ${s.time} < {hi:DateTime('UTC')} ${where}
GROUP BY GROUPING SETS ((t, cohort), (cohort, device_class))`;
}

// ---------------------------------------------------------------- swarms

export const SwarmRow = z.object({
  swarm_id: z.string(),
  content: z.string(),
  peers: num,
  uploading_peers: num,
  reports: num,
  connected: num,
  attempts: num,
  failures: num,
  cdn: num,
  p2p_down: num,
  p2p_up: num,
});
export type SwarmRow = z.infer<typeof SwarmRow>;

/** Sortable columns of the swarms list → their SQL over the per-swarm aggregate (constants only). */
export const SWARM_SORT_EXPRESSIONS: Record<SwarmSortKey, string> = {
  peers: 'peers',
  uploading: 'uploading_peers',
  connected: 'connected / nullIf(reports, 0)',
  success: '1 - failures / nullIf(attempts, 0)',
  offload: 'p2p_down / nullIf(p2p_down + cdn, 0)',
  updown: 'p2p_up / nullIf(p2p_down, 0)',
  p2p: 'p2p_down',
  swarm: 'swarm_id',
  title: 'content',
};
export type SwarmSort = SwarmSortKey;

export const SwarmPageRow = SwarmRow.extend({ in_trouble: num, total: num, trouble_total: num, rn: num, trn: num });
export type SwarmPageRow = z.infer<typeof SwarmPageRow>;

/**
 * Every swarm of the window with its figures and whether it is in trouble, from a rollup. Params: lo, hi,
 * q (substring of the swarm id, '' for all), tPeers/tOffload/tAttempts/tSuccess (the trouble thresholds).
 */
function swarmAggSql(s: Source, where: string): string {
  return `SELECT toString(swarm_id) AS swarm_id, ${a(s, 'contentId')} AS content,
      ${a(s, 'peers')} AS peers, ${a(s, 'uploadingPeers')} AS uploading_peers, ${a(s, 'reports')} AS reports,
      ${a(s, 'connected')} AS connected, ${a(s, 'attempts')} AS attempts, ${a(s, 'failures')} AS failures,
      ${a(s, 'cdn')} AS cdn, ${a(s, 'p2pDown')} AS p2p_down, ${a(s, 'p2pUp')} AS p2p_up,
      toUInt8((peers >= {tPeers:UInt32} AND p2p_down + cdn > 0 AND p2p_down / (p2p_down + cdn) < {tOffload:Float64})
        OR (attempts >= {tAttempts:UInt32} AND 1 - failures / attempts < {tSuccess:Float64})) AS in_trouble
    FROM ${s.from}
    WHERE ${s.time} >= {lo:DateTime('UTC')} AND ${s.time} < {hi:DateTime('UTC')} ${where}
      AND ({q:String} = '' OR positionCaseInsensitive(toString(swarm_id), {q:String}) > 0)
    GROUP BY swarm_id`;
}

/**
 * The page of a per-swarm relation (`swarms`: one row per swarm with its figures and in_trouble), the
 * first swarms in trouble, and the last row, so the counts are known on a page past the end too; the
 * caller keeps the page's rows and the troubled ones.
 */
function swarmPageOf(swarms: string, sort: SwarmSort, desc: boolean): string {
  const dir = desc ? 'DESC' : 'ASC';
  return `SELECT * FROM (
  SELECT *, count() OVER () AS total, countIf(in_trouble) OVER () AS trouble_total,
    row_number() OVER (ORDER BY ${SWARM_SORT_EXPRESSIONS[sort]} ${dir} NULLS LAST, swarm_id) AS rn,
    row_number() OVER (PARTITION BY in_trouble ORDER BY peers DESC, swarm_id) AS trn
  FROM (
    ${swarms}
  )
)
WHERE (rn > {offset:UInt32} AND rn <= {offset:UInt32} + {limit:UInt32}) OR (in_trouble AND trn <= {troubleLimit:UInt32})
  OR rn = total
ORDER BY rn`;
}

/**
 * One page of the swarms list and the first swarms in trouble, in one pass: every swarm of the window
 * is aggregated (sorting by a figure needs them all), but only the page's rows and the top troubled
 * ones leave the engine, with the counts of both. Params: those of swarmAggSql, offset, limit, troubleLimit.
 */
export function swarmsSql(s: Source, where: string, sort: SwarmSort = 'peers', desc = true): string {
  return swarmPageOf(swarmAggSql(s, where), sort, desc);
}

// ------------------------------------------------ the swarm summary (server/dashboards/swarm-summary.ts)

export const SWARM_SUMMARY_TABLE = 'dash_swarm_summary';
/** `list` of a summary row: every swarm ranked by active peers, or only those in trouble, ranked the same way. */
export const SUMMARY_ALL = 0;
export const SUMMARY_TROUBLE = 1;
const SUMMARY_COLUMNS =
  'swarm_id, content, peers, uploading_peers, reports, connected, attempts, failures, cdn, p2p_down, p2p_up, in_trouble';

/**
 * Fill one snapshot of the summary: every swarm of the window with its final figures, once in the list
 * of all swarms at its rank by active peers (the page's default order: peers desc, ties by id — the same
 * `rn` as swarmsSql) and once more, if in trouble, in the trouble list at its rank there (`trn`). Params:
 * those of swarmAggSql (q = ''), snapshot, preset.
 */
export function swarmSummaryFillSql(s: Source): string {
  return `INSERT INTO ${SWARM_SUMMARY_TABLE} (snapshot, preset, list, pos, ${SUMMARY_COLUMNS})
SELECT {snapshot:UInt64}, {preset:String}, lp.1, lp.2, ${SUMMARY_COLUMNS}
FROM (
  SELECT *,
    row_number() OVER (ORDER BY peers DESC NULLS LAST, swarm_id) AS rn,
    row_number() OVER (PARTITION BY in_trouble ORDER BY peers DESC, swarm_id) AS trn
  FROM (
    ${swarmAggSql(s, '')}
  )
)
ARRAY JOIN if(in_trouble, [(${SUMMARY_ALL}, rn), (${SUMMARY_TROUBLE}, trn)], [(${SUMMARY_ALL}, rn)]) AS lp`;
}

export const SummaryCountsRow = z.object({ total: num, trouble_total: num });

/** How many swarms a snapshot holds and how many of them are in trouble. Params: snapshot. */
export function swarmSummaryCountsSql(): string {
  return `SELECT countIf(list = ${SUMMARY_ALL}) AS total, countIf(list = ${SUMMARY_TROUBLE}) AS trouble_total
FROM ${SWARM_SUMMARY_TABLE} WHERE snapshot = {snapshot:UInt64}`;
}

export const SummaryListRow = SwarmRow.extend({ list: num, pos: num, in_trouble: num });
export type SummaryListRow = z.infer<typeof SummaryListRow>;

/**
 * The default page (active peers, most first, no search) and the first swarms in trouble, read from a
 * snapshot in key order: two ranges of the table's key (list, pos) — what it costs does not depend on
 * how many swarms the snapshot holds. Params: snapshot, offset, limit, troubleLimit.
 */
export function swarmSummaryPageSql(): string {
  return `SELECT list, pos, ${SUMMARY_COLUMNS} FROM ${SWARM_SUMMARY_TABLE}
WHERE snapshot = {snapshot:UInt64}
  AND ((list = ${SUMMARY_ALL} AND pos > {offset:UInt32} AND pos <= {offset:UInt32} + {limit:UInt32})
    OR (list = ${SUMMARY_TROUBLE} AND pos <= {troubleLimit:UInt32}))
ORDER BY list, pos`;
}

/**
 * Any other order or a search, over a snapshot's rows (one per swarm, figures final): the same page
 * query as swarmsSql with the snapshot in place of the aggregation. Params: snapshot, q, offset, limit,
 * troubleLimit.
 */
export function swarmSummarySortedSql(sort: SwarmSort, desc: boolean): string {
  return swarmPageOf(
    `SELECT ${SUMMARY_COLUMNS} FROM ${SWARM_SUMMARY_TABLE}
    WHERE snapshot = {snapshot:UInt64} AND list = ${SUMMARY_ALL}
      AND ({q:String} = '' OR positionCaseInsensitive(swarm_id, {q:String}) > 0)`,
    sort,
    desc,
  );
}

export const SummaryPartitionRow = z.object({ snapshot: num });

/** The snapshots the summary table holds (its partitions). */
export function swarmSummarySnapshotsSql(): string {
  return `SELECT DISTINCT toUInt64(partition) AS snapshot FROM system.parts
WHERE database = currentDatabase() AND table = '${SWARM_SUMMARY_TABLE}' AND active`;
}

/** Drop one snapshot (DDL: `{snapshot}` is inlined by inlineParams from our own integer). */
export function swarmSummaryDropSql(): string {
  return `ALTER TABLE ${SWARM_SUMMARY_TABLE} DROP PARTITION {snapshot:UInt64}`;
}

const DATETIME_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const PLAIN_TEXT = /^[A-Za-z0-9_.:/ -]*$/;

/**
 * The SQL with each `{name:Type}` placeholder replaced by a literal of its value — for the summary's
 * background statements only, which must not bind parameters: chdb runs every parameterized statement of
 * the process through one chain (a libchdb race on bound parameters), so a refresh that binds its window
 * would hold every console query for the seconds it runs; one without parameters runs beside them on its
 * own connection. The values are our own (a window, a snapshot id, the trouble thresholds, a preset
 * name), and each is checked against its placeholder's type: integers for (U)Int, finite numbers for
 * Float64, `YYYY-MM-DD hh:mm:ss` for DateTime('UTC'), plain text without quotes or backslashes for String.
 * Anything else throws rather than reach the SQL.
 */
export function inlineParams(sql: string, params: Record<string, unknown>): string {
  return sql.replace(/\{([A-Za-z_]\w*):([^{}]+)\}/g, (_, name: string, type: string) => {
    const v = params[name];
    const bad = () => new UnsupportedQuery(`cannot inline ${name} = ${JSON.stringify(v)} as ${type}`);
    if (/^U?Int\d+$/.test(type)) {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || (type.startsWith('U') && v < 0)) throw bad();
      return String(v);
    }
    if (type === 'Float64') {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad();
      return `toFloat64(${String(v)})`;
    }
    if (type === "DateTime('UTC')") {
      if (typeof v !== 'string' || !DATETIME_TEXT.test(v)) throw bad();
      return `toDateTime('${v}', 'UTC')`;
    }
    if (type === 'String') {
      if (typeof v !== 'string' || !PLAIN_TEXT.test(v)) throw bad();
      return `'${v}'`;
    }
    throw bad();
  });
}

export const SwarmStepRow = z.object({ t: num, swarm_id: z.string(), peers: num });
export type SwarmStepRow = z.infer<typeof SwarmStepRow>;

/** Active peers per step of the given swarms (the chart's lines). */
export function swarmSizeSeriesSql(s: Source, where: string, stepIsGrain = false): string {
  return `SELECT ${stepExpr(s, stepIsGrain)} AS t,
  toString(swarm_id) AS swarm_id, ${a(s, 'peers')} AS peers
FROM ${s.from}
WHERE ${s.time} >= {lo:DateTime('UTC')} AND ${s.time} < {hi:DateTime('UTC')} AND swarm_id IN {swarms:Array(String)} ${where}
GROUP BY t, swarm_id`;
}

/**
 * Each (step, swarm) with its set of peer hashes and its bytes — the relation both the top-5 size chart
 * and the size curve read. On a rollup whose grain IS the step, every (bucket, swarm) row already holds
 * that step's set: `FINAL` folds the parts not yet merged in the background, and no set is rebuilt. With a
 * coarser step the rows' sets are unioned per step; on the raw table the sets are built from the reports.
 * Every form yields the same sets, so every figure read from it is the same.
 */
export function swarmStepSetsSql(s: Source, where: string, stepIsGrain: boolean): string {
  const range = `${s.time} >= {lo:DateTime('UTC')} AND ${s.time} < {hi:DateTime('UTC')}`;
  if (s.grain === 'raw') {
    return `SELECT toStartOfInterval(toDateTime(${s.time}), toIntervalSecond({step:UInt32})) AS t, swarm_id,
    groupUniqArray(cityHash64(peer_id)) AS peer_set, ${a(s, 'cdn')} AS cdn, ${a(s, 'p2pDown')} AS p2p_down
  FROM ${s.from} WHERE ${range} ${where} GROUP BY t, swarm_id`;
  }
  if (stepIsGrain) {
    return `SELECT ${s.time} AS t, swarm_id, peer_set, bytes_cdn AS cdn, bytes_p2p_down AS p2p_down
  FROM ${s.from} FINAL WHERE ${range} ${where}`;
  }
  return `SELECT toStartOfInterval(${s.time}, toIntervalSecond({step:UInt32})) AS t, swarm_id,
    groupUniqArrayArray(peer_set) AS peer_set, ${a(s, 'cdn')} AS cdn, ${a(s, 'p2pDown')} AS p2p_down
  FROM ${s.from} WHERE ${range} ${where} GROUP BY t, swarm_id`;
}

export const SwarmTopRow = z.object({
  swarm_id: z.string(),
  peers: num,
  steps: z.array(z.tuple([num, num])),
});
export type SwarmTopRow = z.infer<typeof SwarmTopRow>;

/**
 * The five swarms with the most distinct peers in the range (ties by id, as the swarms table) and their
 * distinct peers per step, in ONE pass over the per-step sets: the range count is the union of a swarm's
 * step sets, each step's count is its set's length.
 */
export function swarmTopSizeSeriesSql(s: Source, where: string, stepIsGrain: boolean): string {
  return `SELECT toString(swarm_id) AS swarm_id, uniqExactArray(peer_set) AS peers,
  arraySort(groupArray((toUnixTimestamp(t), length(peer_set)))) AS steps
FROM (${swarmStepSetsSql(s, where, stepIsGrain)})
GROUP BY swarm_id ORDER BY peers DESC, swarm_id LIMIT 5`;
}

export const SizeCurveRow = z.object({ size_class: num, samples: num, cdn: num, p2p_down: num });
export type SizeCurveRow = z.infer<typeof SizeCurveRow>;

/**
 * Swarm size → offload: each (swarm, grain bucket) is one sample whose size is its distinct peers in
 * that bucket; samples are grouped by power-of-two size class (1, 2, 3–4, 5–8, …) and their bytes summed.
 * `{step}` is the rollup grain here.
 */
export function sizeCurveSql(s: Source, where: string): string {
  return `SELECT toUInt32(if(peers <= 1, 1, pow(2, ceil(log2(peers))))) AS size_class, count() AS samples,
  sum(cdn) AS cdn, sum(p2p_down) AS p2p_down
FROM (SELECT length(peer_set) AS peers, cdn, p2p_down FROM (${swarmStepSetsSql(s, where, true)}))
GROUP BY size_class ORDER BY size_class`;
}

// ---------------------------------------------------------------- ISPs

export const IspRow = z.object({
  asn: num,
  isp: z.string(),
  cdn: num,
  p2p_down: num,
  p2p_up: num,
  intra: num,
  p_in: num,
  p_out: num,
  unknown_down: num,
  unknown_up: num,
});
export type IspRow = z.infer<typeof IspRow>;

export function ispsSql(s: Source, where: string): string {
  return `SELECT asn, ${a(s, 'ispName')} AS isp, ${a(s, 'cdn')} AS cdn, ${a(s, 'p2pDown')} AS p2p_down, ${a(s, 'p2pUp')} AS p2p_up,
  ${a(s, 'intra')} AS intra, ${a(s, 'pIn')} AS p_in, ${a(s, 'pOut')} AS p_out,
  ${a(s, 'unknownDown')} AS unknown_down, ${a(s, 'unknownUp')} AS unknown_up
FROM ${s.from}
WHERE ${s.time} >= {lo:DateTime('UTC')} AND ${s.time} < {hi:DateTime('UTC')} ${where}
GROUP BY asn`;
}

/** Sortable columns of the ISPs list → their SQL over the per-ASN aggregate (constants only). */
export const ISP_SORT_EXPRESSIONS: Record<IspSortKey, string> = {
  asn: 'asn',
  isp: 'isp',
  cdn: 'cdn',
  intra: 'intra',
  in: 'p_in',
  out: 'p_out',
  balance: 'p_out / nullIf(p_in, 0)',
  offload: 'p2p_down / nullIf(p2p_down + cdn, 0)',
  peak: 'peak_bytes',
};

export const IspPageRow = IspRow.extend({ peak_bytes: num, total: num, rn: num });
export type IspPageRow = z.infer<typeof IspPageRow>;

/**
 * One page of the ISPs of the window, sorted and searched in the engine (by ISP name or `AS<asn>`),
 * with the number of matches. Every ASN is aggregated — sorting by a figure needs them all — but only
 * the page leaves the engine. `peak`: the source of peakSql (its params n, k, startedHi), or null when
 * no 5-minute bucket has started (every peak is 0). The last row comes too, so the total is known on a
 * page past the end; the caller keeps the page's rows. Params: offset, limit, q ('' for all).
 */
export function ispsPageSql(
  s: Source,
  where: string,
  peak: Source | null,
  sort: IspSortKey = 'cdn',
  desc = true,
): string {
  const dir = desc ? 'DESC' : 'ASC';
  const isps = `SELECT * FROM (${ispsSql(s, where)}
      HAVING {q:String} = '' OR positionCaseInsensitive(isp, {q:String}) > 0
        OR positionCaseInsensitive(concat('AS', toString(asn)), {q:String}) > 0)`;
  const withPeak = peak
    ? `SELECT * FROM (${isps}) AS i LEFT JOIN (SELECT asn, peak_bytes FROM (${peakSql(peak, where)})) AS pk USING (asn)`
    : `SELECT *, toUInt64(0) AS peak_bytes FROM (${isps})`;
  return `SELECT * FROM (
  SELECT *, count() OVER () AS total,
    row_number() OVER (ORDER BY ${ISP_SORT_EXPRESSIONS[sort]} ${dir} NULLS LAST, asn) AS rn
  FROM (${withPeak})
)
WHERE (rn > {offset:UInt32} AND rn <= {offset:UInt32} + {limit:UInt32}) OR rn = total
ORDER BY rn`;
}

export const IspStepRow = z.object({ t: num, asn: num, cdn: num, p2p_down: num, intra: num, p_in: num, p_out: num });
export type IspStepRow = z.infer<typeof IspStepRow>;

export function ispSeriesSql(s: Source, where: string, stepIsGrain = false): string {
  return `SELECT ${stepExpr(s, stepIsGrain)} AS t, asn,
  ${a(s, 'cdn')} AS cdn, ${a(s, 'p2pDown')} AS p2p_down, ${a(s, 'intra')} AS intra, ${a(s, 'pIn')} AS p_in, ${a(s, 'pOut')} AS p_out
FROM ${s.from}
WHERE ${s.time} >= {lo:DateTime('UTC')} AND ${s.time} < {hi:DateTime('UTC')} AND asn IN {asns:Array(UInt32)} ${where}
GROUP BY t, asn`;
}

export const PeakRow = z.object({ asn: num, peak_bytes: num });
export type PeakRow = z.infer<typeof PeakRow>;

/**
 * peak_mbps_p95 (telemetry-v1): nearest-rank 95th percentile of the 5-minute sums of delivered_cdn +
 * p2p_in over the `{n}` started buckets, empty buckets counting as 0: with z = n − (non-empty buckets),
 * rank k = ⌈0.95 n⌉ is 0 when k ≤ z, else the (k − z)-th smallest non-empty sum. Returns bytes per bucket.
 */
export function peakSql(s: Source, where: string): string {
  const bucket = s.grain === 'raw' ? `toStartOfFiveMinutes(${s.time})` : s.time;
  return `SELECT asn, toUInt64(if({k:UInt32} <= {n:UInt32} - length(vs), 0, vs[{k:UInt32} - ({n:UInt32} - length(vs))])) AS peak_bytes
FROM (
  SELECT asn, arraySort(groupArray(v)) AS vs FROM (
    SELECT asn, ${bucket} AS b, ${a(s, 'cdn')} + ${a(s, 'pIn')} AS v
    FROM ${s.from}
    WHERE ${s.time} >= {lo:DateTime('UTC')} AND ${s.time} < {startedHi:DateTime('UTC')} ${where}
    GROUP BY asn, b
  ) GROUP BY asn
)`;
}

export const PairRow = z.object({ asn: num, peer_asn: num, down: num, up: num });
export type PairRow = z.infer<typeof PairRow>;

/** Flow bytes per (reporting ASN, remote peer ASN); `{asn}` = 0 means every ASN. */
export function pairsSql(s: Source): string {
  return `SELECT asn, peer_asn, ${a(s, 'flowDown')} AS down, ${a(s, 'flowUp')} AS up
FROM ${s.from}
WHERE ${s.time} >= {lo:DateTime('UTC')} AND ${s.time} < {hi:DateTime('UTC')}
  AND ({asn:UInt32} = 0 OR asn = {asn:UInt32} OR peer_asn = {asn:UInt32})
GROUP BY asn, peer_asn`;
}

export const NameRow = z.object({ asn: num, isp: z.string() });
export function ispNamesSql(s: Source): string {
  return `SELECT asn, ${a(s, 'ispName')} AS isp FROM ${s.from}
WHERE ${s.time} >= {lo:DateTime('UTC')} AND ${s.time} < {hi:DateTime('UTC')} AND asn IN {asns:Array(UInt32)}
GROUP BY asn`;
}

/** The five ASNs with most traffic in [lo, hi): the ISP chart's default selection. */
export function topAsnsSql(s: Source, where: string): string {
  return `SELECT asn, ${s.agg.cdn} + ${s.agg.p2pDown} AS total FROM ${s.from}
       WHERE ${s.time} >= {lo:DateTime('UTC')} AND ${s.time} < {hi:DateTime('UTC')} ${where}
       GROUP BY asn ORDER BY total DESC, asn LIMIT 5`;
}
export const TopAsnRow = z.object({ asn: z.coerce.number(), total: z.coerce.number() });
