import { z } from 'zod';
import { NoParams, statement } from './store';

/** Event-sourced rollout config, change requests and the telemetry the rollout page and guardrail read. */

export const EVENTS_TABLE = 'rollout_events';
export const REQUESTS_TABLE = 'rollout_requests';

export const MaxSeqRow = z.object({ max_seq: z.coerce.number(), n: z.coerce.number() });
export const MaxSeqSql = statement(
  `SELECT max(rollout_events.seq) AS max_seq, count() AS n FROM rollout_events`,
  NoParams,
  MaxSeqRow,
);

/** Rows sharing a seq: only possible when two processes wrote at once (see README: single writer). */
export const CountRow = z.object({ n: z.coerce.number() });
export const SeqCollisionsParams = z.object({ fromSeq: z.number(), toSeq: z.number() });
export const SeqCollisionsSql = statement(
  `
SELECT count() AS n FROM rollout_events WHERE rollout_events.seq >= {fromSeq:UInt64} AND rollout_events.seq <= {toSeq:UInt64}`,
  SeqCollisionsParams,
  CountRow,
);

/** The latest row per device class (and '*', the global kill switch). */
export const LatestPerClassRow = z.object({
  device_class: z.string(),
  last_version: z.coerce.number(),
  last_rule: z.string(),
  last_killed: z.coerce.number(),
  last_capabilities: z.string(),
  last_seq: z.coerce.number(),
});
export const LatestPerClassSql = statement(
  `
SELECT device_class,
       argMax(rollout_events.class_version, rollout_events.seq) AS last_version,
       argMax(rollout_events.rule, rollout_events.seq) AS last_rule,
       argMax(rollout_events.killed, rollout_events.seq) AS last_killed,
       argMax(rollout_events.capabilities, rollout_events.seq) AS last_capabilities,
       max(rollout_events.seq) AS last_seq
FROM rollout_events
GROUP BY device_class`,
  NoParams,
  LatestPerClassRow,
);

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

export const HistoryParams = z.object({ cls: z.string(), limit: z.number() });
export const HistorySql = statement(
  `
SELECT ${EVENT_COLUMNS}
FROM rollout_events
WHERE ({cls:String} = '' OR device_class = {cls:String})
ORDER BY seq DESC
LIMIT {limit:UInt32}`,
  HistoryParams,
  EventRow,
);

/** Applied config events in a time range, oldest first: annotations for the dashboards' time series. */
export const EventsInRangeParams = z.object({ fromMs: z.number(), toMs: z.number() });
export const EventsInRangeSql = statement(
  `
SELECT ${EVENT_COLUMNS}
FROM rollout_events
WHERE rollout_events.ts >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC') AND rollout_events.ts < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')
ORDER BY seq
LIMIT 1000`,
  EventsInRangeParams,
  EventRow,
);

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
export const LatestRequestsParams = z.object({ id: z.string(), status: z.string(), limit: z.number() });
export const LatestRequestsSql = statement(
  `
SELECT * FROM (
  SELECT ${REQUEST_COLUMNS}
  FROM rollout_requests
  WHERE ({id:String} = '' OR id = {id:String})
  ORDER BY id, revision DESC
  LIMIT 1 BY id
)
WHERE ({status:String} = '' OR status = {status:String})
ORDER BY created_at DESC, id
LIMIT {limit:UInt32}`,
  LatestRequestsParams,
  RequestRow,
);

/** Every revision of one request, oldest first (its history). */
export const RequestRevisionsParams = z.object({ id: z.string() });
export const RequestRevisionsSql = statement(
  `
SELECT ${REQUEST_COLUMNS} FROM rollout_requests WHERE id = {id:String} ORDER BY revision`,
  RequestRevisionsParams,
  RequestRow,
);

/** Per class and cohort over the last minutes: sessions, bytes (for offload) and playback (for the guardrail). */
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
export const CohortStatsParams = z.object({ minutes: z.number() });
export const CohortStatsSql = statement(
  `
SELECT device_class, cohort,
       uniqExact(session_id) AS sessions,
       sum(bytes_cdn) AS bytes_cdn,
       sum(bytes_p2p_down) AS bytes_p2p_down,
       sum(play_ms) AS play_ms,
       sum(rebuffer_ms) AS rebuffer_ms
FROM telemetry_raw
WHERE ts >= now64(3) - toIntervalMinute({minutes:UInt32})
GROUP BY device_class, cohort`,
  CohortStatsParams,
  CohortStatsRow,
);

// ---------- guarded rollout plans (migration 0070) ----------

export const PLANS_TABLE = 'rollout_plans';
export const PLAN_LOOKS_TABLE = 'rollout_plan_looks';

export const PlanRow = z.object({
  id: z.string(),
  revision: z.coerce.number(),
  ts: z.string(),
  device_class: z.string(),
  plan: z.string(),
  status: z.string(),
  stage_index: z.coerce.number(),
  stage_started_at: z.string(),
  request_id: z.string(),
  approved: z.coerce.number(),
  actor_kind: z.string(),
  actor_id: z.string(),
  actor_email: z.string(),
  reason: z.string(),
  decision: z.string(),
});
export type PlanRow = z.infer<typeof PlanRow>;

const PLAN_COLUMNS = `id, revision, formatDateTime(ts, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS ts, device_class, plan, status, stage_index,
       formatDateTime(stage_started_at, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS stage_started_at, request_id, approved,
       actor_kind, actor_id, actor_email, reason, decision`;

/** Each plan's latest revision, filtered by id, class or change request; newest first. */
export const LatestPlansParams = z.object({
  id: z.string(),
  cls: z.string(),
  requestId: z.string(),
  limit: z.number(),
});
export const LatestPlansSql = statement(
  `
SELECT * FROM (
  SELECT ${PLAN_COLUMNS}
  FROM rollout_plans
  WHERE ({id:String} = '' OR id = {id:String})
    AND ({cls:String} = '' OR device_class = {cls:String})
  ORDER BY id, revision DESC
  LIMIT 1 BY id
)
WHERE ({requestId:String} = '' OR request_id = {requestId:String})
ORDER BY ts DESC, id
LIMIT {limit:UInt32}`,
  LatestPlansParams,
  PlanRow,
);

/** Every revision of one plan, oldest first: its stage timeline. */
export const PlanRevisionsParams = z.object({ id: z.string() });
export const PlanRevisionsSql = statement(
  `SELECT ${PLAN_COLUMNS} FROM rollout_plans WHERE id = {id:String} ORDER BY revision LIMIT 10000`,
  PlanRevisionsParams,
  PlanRow,
);

export const PlanLookRow = z.object({
  ts: z.string(),
  stage_index: z.coerce.number(),
  metric: z.string(),
  treatment: z.number().nullable(),
  control: z.number().nullable(),
  diff: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  threshold: z.number().nullable(),
  n_treatment: z.coerce.number(),
  n_control: z.coerce.number(),
  status: z.string(),
  srm_p: z.number(),
  mismatches: z.coerce.number(),
  verdict: z.string(),
  why: z.string(),
});
export type PlanLookRow = z.infer<typeof PlanLookRow>;

/** The latest looks of a plan, oldest first (bounded). */
export const PlanLooksParams = z.object({ id: z.string(), limit: z.number() });
export const PlanLooksSql = statement(
  `
SELECT * FROM (
  SELECT formatDateTime(ts, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS ts, stage_index, metric, treatment, control, diff, lower, upper, threshold,
         n_treatment, n_control, status, srm_p, mismatches, verdict, why
  FROM rollout_plan_looks
  WHERE plan_id = {id:String}
  ORDER BY rollout_plan_looks.ts DESC, metric
  LIMIT {limit:UInt32}
) ORDER BY ts, metric`,
  PlanLooksParams,
  PlanLookRow,
);

/** Every config version of one class: the rule each reported configVersion stood for. */
export const ClassVersionRow = z.object({
  class_version: z.coerce.number(),
  rule: z.string(),
  killed: z.coerce.number(),
});
export const ClassVersionsParams = z.object({ cls: z.string() });
export const ClassVersionsSql = statement(
  `
SELECT class_version, argMax(rule, seq) AS rule, argMax(killed, seq) AS killed
FROM rollout_events
WHERE device_class = {cls:String}
GROUP BY class_version
ORDER BY class_version DESC
LIMIT 10000`,
  ClassVersionsParams,
  ClassVersionRow,
);

/**
 * One class's playback since a moment, per device and reported (configVersion, cohort): the evaluator
 * recomputes each device's cohort from these. Bounded: a class of more devices than the limit is
 * evaluated on the first ones by device id (a uniform sample, the id being random).
 */
export const DevicePlaybackRow = z.object({
  device_id: z.string(),
  config_version: z.coerce.number(),
  cohort: z.string(),
  asn: z.coerce.number(),
  country: z.string(),
  client_version: z.string(),
  play_ms: z.coerce.number(),
  rebuffer_ms: z.coerce.number(),
  startup_sum: z.coerce.number(),
  startup_count: z.coerce.number(),
  sessions: z.coerce.number(),
  failed_sessions: z.coerce.number(),
  bitrate_kbps_ms: z.coerce.number(),
  bytes_cdn: z.coerce.number(),
  bytes_p2p: z.coerce.number(),
});
export type DevicePlaybackRow = z.infer<typeof DevicePlaybackRow>;
export const DevicePlaybackParams = z.object({ cls: z.string(), fromMs: z.number(), limit: z.number() });
export const DevicePlaybackSql = statement(
  `
SELECT t.device_id AS device_id, t.config_version AS config_version, t.cohort AS cohort,
       any(t.asn) AS asn, any(t.country) AS country, any(t.client_version) AS client_version,
       sum(t.play_ms) AS play_ms, sum(t.rebuffer_ms) AS rebuffer_ms,
       sumIf(t.startup_ms, t.startup_ms IS NOT NULL) AS startup_sum, countIf(t.startup_ms IS NOT NULL) AS startup_count,
       uniqExact(t.session_id) AS sessions, uniqExactIf(t.session_id, t.fatal_error != '') AS failed_sessions,
       sum(toFloat64(t.bitrate_kbps) * t.play_ms) AS bitrate_kbps_ms,
       sum(t.bytes_cdn) AS bytes_cdn, sum(t.bytes_p2p_down) AS bytes_p2p
FROM telemetry_raw AS t
WHERE t.device_class = {cls:String} AND t.ts >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')
GROUP BY t.device_id, t.config_version, t.cohort
ORDER BY device_id
LIMIT {limit:UInt32}`,
  DevicePlaybackParams,
  DevicePlaybackRow,
);
