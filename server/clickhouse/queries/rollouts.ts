import { z } from 'zod';

/** Event-sourced rollout config, change requests and the telemetry the rollout page and guardrail read. */

export const EVENTS_TABLE = 'rollout_events';
export const REQUESTS_TABLE = 'rollout_requests';

export const MaxSeqSql = `SELECT max(rollout_events.seq) AS max_seq, count() AS n FROM rollout_events`;
export const MaxSeqRow = z.object({ max_seq: z.coerce.number(), n: z.coerce.number() });

/** Rows sharing a seq: only possible when two processes wrote at once (see README: single writer). */
export const SeqCollisionsSql = `
SELECT count() AS n FROM rollout_events WHERE rollout_events.seq >= {fromSeq:UInt64} AND rollout_events.seq <= {toSeq:UInt64}`;
export const CountRow = z.object({ n: z.coerce.number() });

/** The latest row per device class (and '*', the global kill switch). */
export const LatestPerClassSql = `
SELECT device_class,
       argMax(rollout_events.class_version, rollout_events.seq) AS last_version,
       argMax(rollout_events.rule, rollout_events.seq) AS last_rule,
       argMax(rollout_events.killed, rollout_events.seq) AS last_killed,
       argMax(rollout_events.capabilities, rollout_events.seq) AS last_capabilities,
       max(rollout_events.seq) AS last_seq
FROM rollout_events
GROUP BY device_class`;
export const LatestPerClassRow = z.object({
  device_class: z.string(),
  last_version: z.coerce.number(),
  last_rule: z.string(),
  last_killed: z.coerce.number(),
  last_capabilities: z.string(),
  last_seq: z.coerce.number(),
});

export const EventRow = z.object({
  seq: z.coerce.number(),
  ts: z.string(),
  device_class: z.string(),
  class_version: z.coerce.number(),
  kind: z.string(),
  rule: z.string(),
  killed: z.coerce.number(),
  capabilities: z.string(),
  request_id: z.string(),
  actor_kind: z.string(),
  actor_id: z.string(),
  actor_email: z.string(),
  reason: z.string(),
});
export type EventRow = z.infer<typeof EventRow>;

const EVENT_COLUMNS = `seq, formatDateTime(ts, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS ts, device_class, class_version, kind, rule, killed,
       capabilities, request_id, actor_kind, actor_id, actor_email, reason`;

export const HistorySql = `
SELECT ${EVENT_COLUMNS}
FROM rollout_events
WHERE ({cls:String} = '' OR device_class = {cls:String})
ORDER BY seq DESC
LIMIT {limit:UInt32}`;

/** Applied config events in a time range, oldest first: annotations for the dashboards' time series. */
export const EventsInRangeSql = `
SELECT ${EVENT_COLUMNS}
FROM rollout_events
WHERE rollout_events.ts >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC') AND rollout_events.ts < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')
ORDER BY seq
LIMIT 1000`;

export const RequestRow = z.object({
  id: z.string(),
  revision: z.coerce.number(),
  ts: z.string(),
  device_class: z.string(),
  kind: z.string(),
  status: z.string(),
  base_version: z.coerce.number(),
  rule: z.string(),
  author_id: z.string(),
  author_email: z.string(),
  reason: z.string(),
  approvals: z.string(),
  decided_by_id: z.string(),
  decided_by_email: z.string(),
  comment: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  applied_seq: z.coerce.number(),
  editors: z.string(),
});
export type RequestRow = z.infer<typeof RequestRow>;

const REQUEST_COLUMNS = `id, revision, formatDateTime(ts, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS ts, device_class, kind, status, base_version, rule,
       author_id, author_email, reason, approvals, decided_by_id, decided_by_email, comment,
       formatDateTime(created_at, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS created_at,
       formatDateTime(expires_at, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS expires_at, applied_seq, editors`;

/** Each request's latest revision, newest requests first. */
export const LatestRequestsSql = `
SELECT * FROM (
  SELECT ${REQUEST_COLUMNS}
  FROM rollout_requests
  WHERE ({id:String} = '' OR id = {id:String})
  ORDER BY id, revision DESC
  LIMIT 1 BY id
)
WHERE ({status:String} = '' OR status = {status:String})
ORDER BY created_at DESC, id
LIMIT {limit:UInt32}`;

/** Every revision of one request, oldest first (its history). */
export const RequestRevisionsSql = `
SELECT ${REQUEST_COLUMNS} FROM rollout_requests WHERE id = {id:String} ORDER BY revision`;

/** Per class and cohort over the last minutes: sessions, bytes (for offload) and playback (for the guardrail). */
export const CohortStatsSql = `
SELECT device_class, cohort,
       uniqExact(session_id) AS sessions,
       sum(bytes_cdn) AS bytes_cdn,
       sum(bytes_p2p_down) AS bytes_p2p_down,
       sum(play_ms) AS play_ms,
       sum(rebuffer_ms) AS rebuffer_ms
FROM telemetry_raw
WHERE ts >= now64(3) - toIntervalMinute({minutes:UInt32})
GROUP BY device_class, cohort`;
export const CohortStatsRow = z.object({
  device_class: z.string(),
  cohort: z.string(),
  sessions: z.coerce.number(),
  bytes_cdn: z.coerce.number(),
  bytes_p2p_down: z.coerce.number(),
  play_ms: z.coerce.number(),
  rebuffer_ms: z.coerce.number(),
});
export type CohortStatsRow = z.infer<typeof CohortStatsRow>;
