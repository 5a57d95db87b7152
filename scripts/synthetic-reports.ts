/**
 * The synthetic-report loader shared by the benchmarks (bench:queries, bench:ingest): one report per
 * `number` of `numbers({offset}, {count})`, written with INSERT … SELECT into telemetry_raw, so every
 * materialized view fills exactly as with real ingestion. Sessions of 60 reports 30 s apart, started
 * over `[start, start + spanMs]`; titles and ISPs skewed (a few large, many small), 7 device classes,
 * 20 % control cohort. Bound params: offset, count, start (DateTime64 text), spanMs.
 */
export const REPORTS_PER_SESSION = 60;

/**
 * `reportId` is an SQL expression of `number`; the default keeps bench:queries' ids. bench:ingest
 * passes a hash so stored ids interleave with the API's random ones in the dedup index, as real
 * reportIds do (sequential ids would sort apart and make every look-up trivially cheap).
 */
export function syntheticReportsInsert(reportId = "concat('bench-', toString(number))"): string {
  return `
INSERT INTO telemetry_raw (report_id, ts, received_at, interval_ms, session_id, device_id, peer_id, device_class,
  client_version, content_id, swarm_id, p2p_mode, cohort, config_version, opt_out, asn, isp, country,
  bytes_cdn, bytes_p2p_down, bytes_p2p_up, flows_peer_asn, flows_down, flows_up, peers_connected, swarm_size,
  peer_attempts, peer_failures, play_ms, rebuffer_ms, rebuffer_count, startup_ms, bitrate_kbps, fatal_error,
  cache_bytes, ingest_key_id)
SELECT
  ${reportId} AS report_id,
  ts, now64(3) AS received_at, 30000 AS interval_ms,
  concat('s', toString(sess)) AS session_id, concat('d', toString(sess)) AS device_id, concat('p', toString(sess)) AS peer_id,
  ['smart_tv','streaming_stick','game_console','set_top_box','desktop','mobile','tablet'][h % 7 + 1] AS device_class,
  ['7.10.0','7.11.2','7.12.0','7.13.1'][intDiv(h, 7) % 4 + 1] AS client_version,
  concat('title-', toString(title)) AS content_id,
  concat('title-', toString(title), '/', ['720p','1080p'][intDiv(h, 11) % 2 + 1]) AS swarm_id,
  if(control, 'off', if(intDiv(h, 13) % 10 < 3, 'download', 'full')) AS p2p_mode,
  if(control, 'control', 'p2p') AS cohort,
  3 AS config_version, 0 AS opt_out,
  asn, concat('ISP ', toString(asn)) AS isp,
  ['US','DE','FR','GB','BR','JP','IN','ES'][asn % 8 + 1] AS country,
  cdn AS bytes_cdn, down AS bytes_p2p_down, up AS bytes_p2p_up,
  if(control, CAST([], 'Array(UInt32)'), [asn, other]) AS flows_peer_asn,
  if(control, CAST([], 'Array(UInt64)'), [toUInt64(intDiv(down, 2)), toUInt64(down - intDiv(down, 2))]) AS flows_down,
  if(control, CAST([], 'Array(UInt64)'), [toUInt64(intDiv(up, 2)), toUInt64(up - intDiv(up, 2))]) AS flows_up,
  toUInt32(r % 12) AS peers_connected, 100 AS swarm_size,
  toUInt32(r % 9) AS peer_attempts, toUInt32(r % 9 % 3) AS peer_failures,
  toUInt32(28000 + r % 2000) AS play_ms, toUInt32(if(r % 17 = 0, r % 1500, 0)) AS rebuffer_ms,
  toUInt32(r % 17 = 0) AS rebuffer_count,
  if(number % ${REPORTS_PER_SESSION} = 0, toNullable(toUInt32(300 + r % 2500)), NULL) AS startup_ms,
  toUInt32(2000 + r % 6000) AS bitrate_kbps,
  if(number % ${REPORTS_PER_SESSION} = ${REPORTS_PER_SESSION - 1} AND h % 100 = 0, 'MEDIA_ERR', '') AS fatal_error,
  NULL AS cache_bytes, 'bench' AS ingest_key_id
FROM (
  SELECT number,
    intDiv(number, ${REPORTS_PER_SESSION}) AS sess,
    cityHash64(sess) AS h,
    cityHash64(number) AS r,
    h % 10 < 2 AS control,
    toUInt32(floor(pow((h % 10007) / 10007, 2.5) * 50)) AS title,
    toUInt32(64500 + floor(pow((intDiv(h, 10007) % 10009) / 10009, 2) * 30)) AS asn,
    toUInt32(64500 + (intDiv(h, 3) + number) % 31) AS other,
    {start:DateTime64(3, 'UTC')} + toIntervalMillisecond(h % {spanMs:UInt64} + (number % ${REPORTS_PER_SESSION}) * 30000) AS ts,
    toUInt64(r % 4000000) AS cdn,
    if(control, 0, toUInt64(intDiv(r, 7) % 5000000)) AS down,
    if(control OR intDiv(h, 13) % 10 < 3, 0, toUInt64(intDiv(r, 11) % 3000000)) AS up
  FROM numbers({offset:UInt64}, {count:UInt64})
)`;
}
