import { z } from 'zod';
import { statement } from './store';

/**
 * Report queries on the 400-day report storage (migrations 0050-0051), never on telemetry_raw.
 * Every value is a bound parameter; UInt64 sums arrive as strings and are kept exact as BigInt.
 */

const u64 = z.union([z.string(), z.number()]).transform((v) => BigInt(v));

export const ReportRangeParams = z.object({
  asns: z.array(z.number().int().min(0).max(4_294_967_295)),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** UTC day of "now": buckets of this day count only once started. */
  today: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** 5-minute buckets of `today` that have started. */
  startedToday: z.number().int().min(0).max(288),
  /** the first 5-minute bucket that has not started yet (epoch seconds). */
  nextBucket: z.number().int(),
});
export type ReportRangeParams = z.infer<typeof ReportRangeParams>;

/** The report's statements bind the parts of the range they read. */
const AsnDays = ReportRangeParams.pick({ asns: true, from: true, to: true });
/** {rangeBuckets}: the started 5-minute buckets of every day of the range. */
export const BytesParams = ReportRangeParams.extend({ rangeBuckets: z.number() });
export const DailyQoeParams = AsnDays;
export const TotalQoeParams = AsnDays;
export const IspNamesParams = ReportRangeParams.pick({ asns: true });
export const TopPartnersParams = AsnDays.extend({ limit: z.number() });

// Buckets one (asn, day) group counts: 288 for a past day, the started ones today, none in the future. A
// bucket that has not started (a client clock slightly ahead) is left out of the p95, as on dashboards;
// its bytes still count in the day's sums.
const STARTED_BUCKETS_OF_DAY = `multiIf(bday < {today:Date}, 288, bday = {today:Date}, {startedToday:UInt16}, 0)`;

const BUCKETS = `
  SELECT asn, bucket, toDate(bucket) AS bday,
         sum(cdn) AS b_cdn, sum(p2p_down) AS b_p2p_down, sum(p2p_intra) AS b_p2p_intra,
         sum(p2p_in) AS b_p2p_in, sum(p2p_out) AS b_p2p_out, b_cdn + b_p2p_in AS v
  FROM report_asn_5m
  WHERE asn IN {asns:Array(UInt32)}
    AND bucket >= toDateTime({from:Date}, 'UTC') AND bucket < toDateTime({to:Date}, 'UTC') + INTERVAL 1 DAY
  GROUP BY asn, bucket`;

// Nearest rank ⌈0.95·n⌉ over n buckets of which only the `length(sorted)` non-zero ones are stored: the
// zero buckets are the smallest, so the rank falls on a stored value only past them.
const P95 = (n: string) => `
  if(toInt64(intDiv(95 * (${n}) + 99, 100)) - toInt64((${n}) - length(sorted)) <= 0, toUInt64(0),
     arrayElement(sorted, toInt64(intDiv(95 * (${n}) + 99, 100)) - toInt64((${n}) - length(sorted))))`;

/**
 * Byte sums and the 5-minute p95 (as bucket bytes) per ASN per day that has any stored bucket, and per
 * ASN over the whole range (is_total = 1; {rangeBuckets} = the started buckets of every day of it), in
 * one scan.
 */

export const BytesRow = z.object({
  asn: z.number(),
  day: z.string(),
  is_total: z.union([z.string(), z.number()]).transform((v) => Number(v) === 1),
  cdn: u64,
  p2p_down: u64,
  p2p_intra: u64,
  p2p_in: u64,
  p2p_out: u64,
  n: z.union([z.string(), z.number()]).transform(Number),
  peak_bucket_bytes: u64,
});
export type BytesRow = z.infer<typeof BytesRow>;
export const BytesSql = statement(
  `
  SELECT asn, day, is_total, cdn, p2p_down, p2p_intra, p2p_in, p2p_out, n, ${P95('n')} AS peak_bucket_bytes
  FROM (
    SELECT asn, toString(bday) AS day, grouping(bday) AS is_total,
           sum(b_cdn) AS cdn, sum(b_p2p_down) AS p2p_down, sum(b_p2p_intra) AS p2p_intra,
           sum(b_p2p_in) AS p2p_in, sum(b_p2p_out) AS p2p_out,
           arraySort(groupArrayIf(v, v > 0 AND bucket < toDateTime({nextBucket:UInt32}, 'UTC'))) AS sorted,
           if(is_total = 1, {rangeBuckets:UInt32}, ${STARTED_BUCKETS_OF_DAY}) AS n
    FROM (${BUCKETS})
    GROUP BY GROUPING SETS ((asn, bday), (asn)))
  ORDER BY asn, is_total, day`,
  BytesParams,
  BytesRow,
);

export const DailyQoeRow = z.object({
  asn: z.number(),
  day: z.string(),
  play_ms: u64,
  rebuffer_ms: u64,
  sessions: u64,
});
export type DailyQoeRow = z.infer<typeof DailyQoeRow>;
export const DailyQoeSql = statement(
  `
  SELECT asn, toString(report_asn_day.day) AS day, sum(play_ms) AS play_ms, sum(rebuffer_ms) AS rebuffer_ms,
         uniqExactMerge(sessions) AS sessions
  FROM report_asn_day
  WHERE asn IN {asns:Array(UInt32)} AND report_asn_day.day >= {from:Date} AND report_asn_day.day <= {to:Date}
  GROUP BY asn, report_asn_day.day
  ORDER BY asn, report_asn_day.day`,
  DailyQoeParams,
  DailyQoeRow,
);

export const TotalQoeRow = DailyQoeRow.omit({ day: true });
export const TotalQoeSql = statement(
  `
  SELECT asn, sum(play_ms) AS play_ms, sum(rebuffer_ms) AS rebuffer_ms, uniqExactMerge(sessions) AS sessions
  FROM report_asn_day
  WHERE asn IN {asns:Array(UInt32)} AND day >= {from:Date} AND day <= {to:Date}
  GROUP BY asn
  ORDER BY asn`,
  TotalQoeParams,
  TotalQoeRow,
);

/** The ISP name per ASN: the latest non-empty one stored, whatever the report range. */

export const IspNameRow = z.object({ asn: z.number(), isp: z.string() });
export const IspNamesSql = statement(
  `
  SELECT asn, argMaxIf(isp, day, isp != '') AS isp
  FROM report_asn_day
  WHERE asn IN {asns:Array(UInt32)}
  GROUP BY asn`,
  IspNamesParams,
  IspNameRow,
);

/** Cross-ISP partners per ASN over the range, largest combined flow first (from the per-day pair rollup). */

export const PartnerRow = z.object({ asn: z.number(), peer_asn: z.number(), down: u64, up: u64 });
export type PartnerRow = z.infer<typeof PartnerRow>;
export const TopPartnersSql = statement(
  `
  SELECT asn, peer_asn, sum(down) AS down, sum(up) AS up
  FROM report_pair_day
  WHERE asn IN {asns:Array(UInt32)} AND report_pair_day.day >= {from:Date} AND report_pair_day.day <= {to:Date}
    AND peer_asn != asn AND peer_asn != 0
  GROUP BY asn, peer_asn
  ORDER BY asn, down + up DESC, peer_asn
  LIMIT {limit:UInt32} BY asn`,
  TopPartnersParams,
  PartnerRow,
);

/** ISPs known to the report storage, matched by name or ASN, busiest first. */

export const IspSearchRow = z.object({ asn: z.number(), isp: z.string(), last_day: z.string() });
export type IspSearchRow = z.infer<typeof IspSearchRow>;
export const IspSearchParams = z.object({ q: z.string(), limit: z.number() });
export const IspSearchSql = statement(
  `
  SELECT asn, argMaxIf(isp, day, isp != '') AS isp, max(day) AS last_day
  FROM report_asn_day
  GROUP BY asn
  HAVING {q:String} = '' OR positionCaseInsensitiveUTF8(isp, {q:String}) > 0 OR toString(asn) = {q:String}
         OR startsWith(toString(asn), {q:String}) OR concat('as', toString(asn)) = lower({q:String})
  ORDER BY isp = '', isp, asn
  LIMIT {limit:UInt32}`,
  IspSearchParams,
  IspSearchRow,
);

// ---- share links (migration 0051) ----

export const SHARE_LINK_COLUMNS = `id, toString(token_hash) AS token_hash, asns, toString(from_day) AS from_day, toString(to_day) AS to_day,
  toUnixTimestamp64Milli(expires_at) AS expires_at, toUnixTimestamp64Milli(created_at) AS created_at, created_by, label,
  if(isNull(revoked_at), NULL, toUnixTimestamp64Milli(assumeNotNull(revoked_at))) AS revoked_at, revoked_by, version`;

const ms = z.union([z.string(), z.number()]).transform(Number);
export const ShareLinkRow = z.object({
  id: z.string(),
  token_hash: z.string(),
  asns: z.array(z.number()),
  from_day: z.string(),
  to_day: z.string(),
  expires_at: ms,
  created_at: ms,
  created_by: z.string(),
  label: z.string(),
  revoked_at: ms.nullable(),
  revoked_by: z.string(),
  version: ms,
});
export type ShareLinkRow = z.infer<typeof ShareLinkRow>;
export const ShareLinksListParams = z.object({ limit: z.number() });
export const ShareLinksListSql = statement(
  `SELECT ${SHARE_LINK_COLUMNS} FROM report_share_links FINAL ORDER BY created_at DESC LIMIT {limit:UInt32}`,
  ShareLinksListParams,
  ShareLinkRow,
);
export const ShareLinkByIdParams = z.object({ id: z.string() });
export const ShareLinkByIdSql = statement(
  `SELECT ${SHARE_LINK_COLUMNS} FROM report_share_links FINAL WHERE id = {id:String} LIMIT 1`,
  ShareLinkByIdParams,
  ShareLinkRow,
);
export const ShareLinkByHashParams = z.object({ hash: z.string() });
export const ShareLinkByHashSql = statement(
  `SELECT ${SHARE_LINK_COLUMNS} FROM report_share_links FINAL WHERE token_hash = {hash:String} LIMIT 1`,
  ShareLinkByHashParams,
  ShareLinkRow,
);
