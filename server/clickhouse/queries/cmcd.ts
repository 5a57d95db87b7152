import { z } from 'zod';
import { NoParams, statement } from './store';
import { GRAIN_SECONDS, type Source } from './dashboards';
import type { QoeSource } from '@/lib/qoe-source';

/**
 * CMCD events (migration-made table `cmcd_events`): the exactly-once check, the telemetry-shaped
 * intervals the QoE figures and the guardrails read (the semantics are described in
 * server/cmcd/qoe-source.ts), and the stored span. Values only as bound parameters.
 */

export const CMCD_EVENTS_TABLE = 'cmcd_events';

/** Which of these (session id, sequence number) pairs are stored already. */
export const CmcdSeenRow = z.object({ session_id: z.string(), sn: z.coerce.number() });
export const CmcdSeenParams = z.object({ sids: z.array(z.string()), keys: z.array(z.string()) });
export const CmcdSeenSql = statement(
  `SELECT session_id, sn FROM ${CMCD_EVENTS_TABLE}
WHERE session_id IN {sids:Array(String)} AND concat(session_id, '#', toString(sn)) IN {keys:Array(String)}`,
  CmcdSeenParams,
  CmcdSeenRow,
);

/** How many events are stored and their time span (ms). */
export const CmcdSpanRow = z.object({ n: z.coerce.number(), lo: z.coerce.number(), hi: z.coerce.number() });
export const CmcdSpanSql = statement(
  `SELECT count() AS n, toUnixTimestamp64Milli(min(ts)) AS lo, toUnixTimestamp64Milli(max(ts)) AS hi FROM ${CMCD_EVENTS_TABLE}`,
  NoParams,
  CmcdSpanRow,
);

const MAX_GAP_MS = 300_000;
const MAX_STARTUP_MS = 600_000;
const LO = "{lo:DateTime('UTC')}";
const HI = "{hi:DateTime('UTC')}";

/** Telemetry-shaped rows (the raw table's column names) of CMCD sessions active in [lo, hi). */
export function cmcdIntervalsSql(excludeSdk: boolean): string {
  const sdk = excludeSdk
    ? `AND session_id NOT IN (SELECT session_id FROM telemetry_raw
        WHERE ts >= ${LO} - INTERVAL 6 HOUR AND ts < ${HI} + INTERVAL 6 HOUR
          AND session_id IN (SELECT session_id FROM ${CMCD_EVENTS_TABLE} WHERE ts >= ${LO} AND ts < ${HI}))`
    : '';
  return `SELECT ts, session_id, device_class, cohort, 'off' AS p2p_mode, asn, country, content_id, client_version,
    toUInt32(if(prev_sta = 'p', gap, 0)) AS play_ms,
    toUInt32(if(prev_sta = 'r', gap, 0)) AS rebuffer_ms,
    toUInt32(if(prev_sta = 'p', ifNull(prev_br, 0), 0)) AS bitrate_kbps,
    CAST(if(sta = 'p' AND sn = first_play_sn AND startup <= ${MAX_STARTUP_MS}, startup, NULL) AS Nullable(UInt32)) AS startup_ms,
    if(sta = 'f', if(length(error_codes) > 0, error_codes[1], 'cmcd:f'), '') AS fatal_error, device_id, config_version
  FROM (
    SELECT ts, sn, sta, error_codes, session_id, device_class, cohort, asn, country, content_id, client_version, device_id, config_version,
      count() OVER before AS earlier,
      if(earlier = 0, 0, least(dateDiff('millisecond', max(ts) OVER before, ts), ${MAX_GAP_MS})) AS gap,
      anyLast(nullIf(toString(sta), '')) OVER before AS prev_sta,
      anyLast(br_kbps) OVER before AS prev_br,
      argMinIf(sn, (ts, sn), sta = 'p') OVER whole AS first_play_sn,
      ifNull(any(msd_ms) OVER whole,
        if(countIf(sta = 's') OVER whole > 0 AND minIf(ts, sta = 's') OVER whole <= minIf(ts, sta = 'p') OVER whole,
          toUInt32(dateDiff('millisecond', minIf(ts, sta = 's') OVER whole, minIf(ts, sta = 'p') OVER whole)), NULL)) AS startup
    FROM ${CMCD_EVENTS_TABLE}
    WHERE session_id IN (SELECT session_id FROM ${CMCD_EVENTS_TABLE} WHERE ts >= ${LO} AND ts < ${HI}) ${sdk}
    WINDOW before AS (PARTITION BY session_id ORDER BY ts, sn ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
           whole AS (PARTITION BY session_id ORDER BY ts, sn ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
  )
  WHERE ts >= ${LO} AND ts < ${HI}`;
}

/** The raw table's columns the QoE aggregates read, in one order for both sides of the UNION. */
const RAW_QOE = ['play_ms', 'rebuffer_ms', 'bitrate_kbps', 'startup_ms', 'fatal_error', 'session_id'];
/** The dimensions a CMCD row has (every filter column); the raw source's others (swarm) it leaves out. */
const CMCD_DIMS = new Set(['device_class', 'cohort', 'p2p_mode', 'asn', 'country', 'content_id', 'client_version']);
const dimsOf = (s: Source) => s.dims.filter((d) => CMCD_DIMS.has(d));

function rawBranch(s: Source, sdk: boolean, cmcd: 'none' | 'all' | 'cmcd-only'): string[] {
  const typed = (c: string) =>
    ['ts', 'play_ms', 'rebuffer_ms', 'bitrate_kbps', 'startup_ms', 'asn'].includes(c) ? c : `toString(${c}) AS ${c}`;
  const list = ['ts', ...dimsOf(s), ...RAW_QOE].map(typed).join(', ');
  const out: string[] = [];
  if (sdk) out.push(`SELECT ${list} FROM telemetry_raw`);
  if (cmcd !== 'none') out.push(`SELECT ${list} FROM (${cmcdIntervalsSql(cmcd === 'all')})`);
  return out;
}

function rollupBranch(s: Source, sdk: boolean, cmcd: 'none' | 'all' | 'cmcd-only'): string[] {
  const grain = s.grain === 'raw' ? 60 : GRAIN_SECONDS[s.grain];
  const dims = dimsOf(s)
    .map((c) => (c === 'asn' ? 'asn' : `toString(${c}) AS ${c}`))
    .join(', ');
  const out: string[] = [];
  if (sdk) {
    out.push(`SELECT bucket, ${dims}, toUInt64(play_ms) AS play_ms, toUInt64(rebuffer_ms) AS rebuffer_ms,
    toUInt64(bitrate_play) AS bitrate_play, CAST(session_set AS Array(UInt64)) AS session_set,
    CAST(fatal_session_set AS Array(UInt64)) AS fatal_session_set, CAST(startup_samples AS Array(UInt32)) AS startup_samples
  FROM ${s.from}`);
  }
  if (cmcd !== 'none') {
    out.push(`SELECT toStartOfInterval(toDateTime(ts, 'UTC'), INTERVAL ${grain} SECOND) AS bucket, ${dims},
    toUInt64(play_ms) AS play_ms, toUInt64(rebuffer_ms) AS rebuffer_ms, toUInt64(bitrate_kbps) * play_ms AS bitrate_play,
    [cityHash64(session_id)] AS session_set, if(fatal_error != '', [cityHash64(session_id)], []) AS fatal_session_set,
    if(isNotNull(startup_ms), [assumeNotNull(startup_ms)], CAST([] AS Array(UInt32))) AS startup_samples
  FROM (${cmcdIntervalsSql(cmcd === 'all')})`);
  }
  return out;
}

/**
 * The QoE source for a `source` filter: the SDK source as planned (`sdk`), or a UNION of it with the CMCD
 * intervals in the same row shape, so the figure's one query and its aggregates stay exactly as they are.
 */
export function qoeSourceFor(s: Source, source: QoeSource): Source {
  if (source === 'sdk') return s;
  const sdk = source === 'all';
  const cmcd = source === 'all' ? 'all' : 'cmcd-only';
  const branches = s.grain === 'raw' ? rawBranch(s, sdk, cmcd) : rollupBranch(s, sdk, cmcd);
  return { ...s, name: `${s.name}+cmcd`, from: `(${branches.join('\nUNION ALL\n')}) AS qoe_src` };
}

export const CmcdGuardrailRow = z.object({
  device_id: z.string(),
  device_class: z.string(),
  config_version: z.coerce.number(),
  claimed_cohort: z.string(),
  play_ms: z.coerce.number(),
  rebuffer_ms: z.coerce.number(),
});
export type CmcdGuardrailRow = z.infer<typeof CmcdGuardrailRow>;

/** Per (device, class, configVersion) in [lo, hi): playing and rebuffering time, for the guardrails. */
export const CmcdGuardrailParams = z.object({ lo: z.string(), hi: z.string() });
export const CmcdGuardrailSql = statement(
  `SELECT device_id, toString(device_class) AS device_class, assumeNotNull(config_version) AS config_version,
  toString(cohort) AS claimed_cohort, sum(play_ms) AS play_ms, sum(rebuffer_ms) AS rebuffer_ms
FROM (${cmcdIntervalsSql(false)})
WHERE device_id != '' AND config_version IS NOT NULL
GROUP BY device_id, device_class, config_version, claimed_cohort
ORDER BY device_id, config_version`,
  CmcdGuardrailParams,
  CmcdGuardrailRow,
);
