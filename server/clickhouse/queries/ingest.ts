import { z } from 'zod';
import { NoParams, statement } from './store';

/** Ingestion's SQL beside its row schemas. Table and column names are constants, values bound params. */

export const RAW_TABLE = 'telemetry_raw';
export const FLOWS_TABLE = 'telemetry_flows';
export const REPORT_IDS_TABLE = 'ingest_report_ids';
export const LANDING_TABLE = 'ingest_landing';
export const KEYS_TABLE = 'ingest_keys';

/** telemetry_raw's columns (server/ingest/rows.ts serializes in this order, received_at moved last). */
export const RAW_COLUMNS = [
  'report_id',
  'ts',
  'received_at',
  'interval_ms',
  'session_id',
  'device_id',
  'peer_id',
  'device_class',
  'client_version',
  'content_id',
  'swarm_id',
  'p2p_mode',
  'cohort',
  'config_version',
  'opt_out',
  'asn',
  'isp',
  'country',
  'bytes_cdn',
  'bytes_p2p_down',
  'bytes_p2p_up',
  'flows_peer_asn',
  'flows_down',
  'flows_up',
  'peers_connected',
  'swarm_size',
  'peer_attempts',
  'peer_failures',
  'play_ms',
  'rebuffer_ms',
  'rebuffer_count',
  'startup_ms',
  'bitrate_kbps',
  'fatal_error',
  'cache_bytes',
  'ingest_key_id',
] as const;

export const SeenRow = z.object({ report_id: z.string() });

/** Which of these ids arrived in the last 24 hours (primary-key lookup). */
export const SeenReportIdsParams = z.object({ ids: z.array(z.string()) });
export const SeenReportIdsSql = statement(
  `SELECT DISTINCT report_id FROM ${REPORT_IDS_TABLE}
WHERE report_id IN {ids:Array(String)} AND received_at >= now() - INTERVAL 24 HOUR`,
  SeenReportIdsParams,
  SeenRow,
);

/**
 * The same look-up limited to ids received up to {until} (unix seconds): the writer knows everything it
 * committed after that from memory, so the parts written since (pruned by their received_at min/max)
 * are never read.
 */
export const SeenReportIdsUntilParams = z.object({ ids: z.array(z.string()), until: z.number() });
export const SeenReportIdsUntilSql = statement(
  `SELECT DISTINCT report_id FROM ${REPORT_IDS_TABLE}
WHERE report_id IN {ids:Array(String)} AND received_at >= now() - INTERVAL 24 HOUR AND received_at <= toDateTime({until:UInt32})`,
  SeenReportIdsUntilParams,
  SeenRow,
);

/** The newest id in the index (unix seconds, 0 when empty): what a writer starting now cannot know from memory. */
export const NewestRow = z.object({ t: z.coerce.number() });
export const NewestReportIdSql = statement(
  `SELECT toUInt32(max(received_at)) AS t FROM ${REPORT_IDS_TABLE}`,
  NoParams,
  NewestRow,
);

/**
 * One page of the ids stored in the last 24 h up to {until} (unix seconds), in key order after {after}:
 * a writer that starts beside a day of reports reads them once into its filters (see seen-filter.ts)
 * instead of looking every new id up for a day. Key order makes each page a primary-key range read.
 */
export const StoredReportIdsPageParams = z.object({ after: z.string(), until: z.number(), limit: z.number() });
export const StoredReportIdsPageRow = z.object({
  ids: z.array(z.string()),
  last: z.string(),
  newest: z.coerce.number(),
});
export const StoredReportIdsPageSql = statement(
  `SELECT groupArray(report_id) AS ids, max(report_id) AS last, toUInt32(max(received_at)) AS newest FROM (
  SELECT report_id, received_at FROM ${REPORT_IDS_TABLE}
  WHERE report_id > {after:String} AND received_at >= now() - INTERVAL 24 HOUR
    AND received_at <= toDateTime({until:UInt32})
  ORDER BY report_id LIMIT {limit:UInt32}
)`,
  StoredReportIdsPageParams,
  StoredReportIdsPageRow,
);

export const TableTtlRow = z.object({ name: z.string(), engine_full: z.string() });
export const TableTtlParams = z.object({ names: z.array(z.string()) });
export const TableTtlSql = statement(
  `SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name IN {names:Array(String)}`,
  TableTtlParams,
  TableTtlRow,
);

const LIST_KEYS = `SELECT id, name, key_hash, key_prefix, rate_limit_per_sec, trusted_relay,
  formatDateTime(created_at, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS created_at, created_by,
  if(isNull(revoked_at), '', formatDateTime(assumeNotNull(revoked_at), '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC')) AS revoked_at,
  version, any_origin, allowed_origins
FROM ${KEYS_TABLE} FINAL
ORDER BY created_at DESC, id`;
export const KeyRow = z.object({
  id: z.string(),
  name: z.string(),
  key_hash: z.string(),
  key_prefix: z.string(),
  rate_limit_per_sec: z.coerce.number(),
  trusted_relay: z.coerce.number(),
  created_at: z.string(),
  created_by: z.string(),
  revoked_at: z.string(),
  version: z.coerce.number(),
  any_origin: z.coerce.number(),
  allowed_origins: z.array(z.string()),
});
export type KeyRow = z.infer<typeof KeyRow>;
export const ListKeysSql = statement(LIST_KEYS, NoParams, KeyRow);

/** Reports clients dropped, as they told us (one row per carrying report, replaced on a resend). */
export const DROPS_TABLE = 'client_report_drops';

/** Per ingest key over the last {days} days. */
const CLIENT_DROP_TOTALS = `SELECT ingest_key_id AS key_id, sum(expired) AS expired, sum(overflow) AS overflow
FROM ${DROPS_TABLE} FINAL
WHERE received_at >= now64(3) - toIntervalDay({days:UInt16})
GROUP BY ingest_key_id`;
export const ClientDropTotalsRow = z.object({
  key_id: z.string(),
  expired: z.coerce.number(),
  overflow: z.coerce.number(),
});
export const ClientDropTotalsParams = z.object({ days: z.number() });
export const ClientDropTotalsSql = statement(CLIENT_DROP_TOTALS, ClientDropTotalsParams, ClientDropTotalsRow);

/** ingest:stats — the last hour's offload per minute (the shape of a dashboard query). */
export const OffloadLastHourRow = z.object({ minute: z.string(), offload: z.coerce.number() });
export const OffloadLastHourSql = statement(
  `SELECT toStartOfMinute(ts) AS minute,
  sum(bytes_p2p_down) / greatest(sum(bytes_p2p_down) + sum(bytes_cdn), 1) AS offload
FROM telemetry_raw WHERE ts >= now() - INTERVAL 1 HOUR GROUP BY minute ORDER BY minute`,
  NoParams,
  OffloadLastHourRow,
);

/** ingest:stats — rows of one of the ingestion tables (a fixed name from INGEST_TABLES, never input). */
export const INGEST_TABLES = ['telemetry_raw', 'telemetry_flows', 'ingest_report_ids', 'ingest_landing'] as const;
export const tableRowCountSql = (table: (typeof INGEST_TABLES)[number]) => `SELECT count() AS n FROM ${table}`;
export const CountRow = z.object({ n: z.coerce.number() });

/** ingest:stats and the benchmarks — merges the engine is running now on the store's tables (they wait for a load's to end). */
export const RunningMergesSql = statement(
  'SELECT count() AS n FROM system.merges WHERE database = currentDatabase()',
  NoParams,
  CountRow,
);

/** demo:backfill — reports older than a day (a store with history is not backfilled twice). */
export const ReportsOlderThanADaySql = statement(
  'SELECT count() AS n FROM telemetry_raw WHERE ts < now64(3) - INTERVAL 1 DAY',
  NoParams,
  CountRow,
);

/** demo:stats — what arrived since {since} (ms). */
export const ReceivedSinceParams = z.object({ since: z.number() });
export const ReceivedSinceRow = z.object({
  reports: z.coerce.number(),
  sessions: z.coerce.number(),
  cdn: z.coerce.number(),
  p2pDown: z.coerce.number(),
  p2pUp: z.coerce.number(),
  newest: z.coerce.number(),
});
export const ReceivedSinceSql = statement(
  `SELECT count() AS reports, uniqExact(session_id) AS sessions, sum(bytes_cdn) AS cdn, sum(bytes_p2p_down) AS p2pDown,
              sum(bytes_p2p_up) AS p2pUp, toUnixTimestamp64Milli(max(ts)) AS newest
       FROM telemetry_raw WHERE received_at >= fromUnixTimestamp64Milli({since:Int64})`,
  ReceivedSinceParams,
  ReceivedSinceRow,
);

/** The raw and flows tables' TTL (DDL takes no bound parameters: `days` is a validated integer). */
export const rawTtlSql = (table: typeof RAW_TABLE | typeof FLOWS_TABLE, days: number) =>
  `ALTER TABLE ${table} MODIFY TTL toDateTime(ts) + INTERVAL ${Math.trunc(days)} DAY`;

/*
 * Landing under load (migration 0120, server/ingest/writer.ts). These statements run on the writer's own
 * lanes WITHOUT bound parameters: embedded chdb runs every bound-parameter statement of the process through
 * one chain, so a move of a second or more would hold every console query behind it. The only values are
 * landing sequence numbers the writer made itself, checked to be safe non-negative integers here.
 */
function seqList(seqs: readonly number[]): string {
  if (seqs.length === 0) throw new Error('no landed batches');
  for (const s of seqs) if (!Number.isSafeInteger(s) || s < 0) throw new Error(`not a landing sequence: ${s}`);
  return seqs.join(', ');
}

/** Landed batches into telemetry_raw (and so every view), in one statement. `guarded`: leave out report ids
 * telemetry_raw already holds — after a failed move or a restart, when a move may have committed before its
 * batches' partitions were dropped. */
export function moveLandedSql(columns: readonly string[], seqs: readonly number[], guarded: boolean): string {
  const cols = columns.join(', ');
  const list = seqList(seqs);
  const guard = guarded
    ? ` AND report_id NOT IN (SELECT report_id FROM ${RAW_TABLE} WHERE ts >= (SELECT min(ts) FROM ${LANDING_TABLE} WHERE land_seq IN (${list})) AND ts <= (SELECT max(ts) FROM ${LANDING_TABLE} WHERE land_seq IN (${list})))`
    : '';
  return `INSERT INTO ${RAW_TABLE} (${cols}) SELECT ${cols} FROM ${LANDING_TABLE} WHERE land_seq IN (${list})${guard}`;
}

/** Drop moved batches (each landing insert is its own partition: dropping one is a file operation). */
export function dropLandedSql(seqs: readonly number[]): string {
  seqList(seqs);
  return `ALTER TABLE ${LANDING_TABLE} ${seqs.map((s) => `DROP PARTITION ${s}`).join(', ')}`;
}

/** Is there a landing table (a store migrated up to 0120)? */
export const LandingTableExistsSql = statement(
  `SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = '${LANDING_TABLE}'`,
  NoParams,
  CountRow,
);

/** Batches in the landing table (a writer starting, or one that lost track after a failed landing). */
export const LandedSeqsRow = z.object({ seq: z.coerce.number(), rows: z.coerce.number() });
export const LandedSeqsSql = statement(
  `SELECT land_seq AS seq, count() AS rows FROM ${LANDING_TABLE} GROUP BY land_seq ORDER BY land_seq`,
  NoParams,
  LandedSeqsRow,
);
