import { z } from 'zod';

/** Ingestion's SQL beside its row schemas. Table and column names are constants, values bound params. */

export const RAW_TABLE = 'telemetry_raw';
export const FLOWS_TABLE = 'telemetry_flows';
export const REPORT_IDS_TABLE = 'ingest_report_ids';
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

/** Which of these ids arrived in the last 24 hours (primary-key lookup). */
export const SEEN_REPORT_IDS = `SELECT DISTINCT report_id FROM ${REPORT_IDS_TABLE}
WHERE report_id IN {ids:Array(String)} AND received_at >= now() - INTERVAL 24 HOUR`;
export const SeenRow = z.object({ report_id: z.string() });

/**
 * The same look-up limited to ids received up to {until} (unix seconds): the writer knows everything it
 * committed after that from memory, so the parts written since (pruned by their received_at min/max)
 * are never read.
 */
export const SEEN_REPORT_IDS_UNTIL = `SELECT DISTINCT report_id FROM ${REPORT_IDS_TABLE}
WHERE report_id IN {ids:Array(String)} AND received_at >= now() - INTERVAL 24 HOUR AND received_at <= toDateTime({until:UInt32})`;

/** The newest id in the index (unix seconds, 0 when empty): what a writer starting now cannot know from memory. */
export const NEWEST_REPORT_ID = `SELECT toUInt32(max(received_at)) AS t FROM ${REPORT_IDS_TABLE}`;
export const NewestRow = z.object({ t: z.coerce.number() });

export const TABLE_TTL = `SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name IN {names:Array(String)}`;
export const TableTtlRow = z.object({ name: z.string(), engine_full: z.string() });

export const LIST_KEYS = `SELECT id, name, key_hash, key_prefix, rate_limit_per_sec, trusted_relay,
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
