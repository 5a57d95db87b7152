-- Dashboard rollups: materialized views on telemetry_raw into AggregatingMergeTree tables.
-- Keyed narrowly for the questions the dashboards ask; read with sum() / -Merge, never as stored.
-- Minute grain follows the raw TTL default (35 days); hour and 5-minute grains are kept 400 days.

-- Offload, sessions, peers and QoE by the cheap dimensions: the unfiltered and device-class/cohort views.
CREATE TABLE IF NOT EXISTS dash_totals_1m (
    bucket           DateTime('UTC'),
    device_class     LowCardinality(String),
    cohort           LowCardinality(String),
    p2p_mode         LowCardinality(String),
    reports          SimpleAggregateFunction(sum, UInt64),
    bytes_cdn        SimpleAggregateFunction(sum, UInt64),
    bytes_p2p_down   SimpleAggregateFunction(sum, UInt64),
    bytes_p2p_up     SimpleAggregateFunction(sum, UInt64),
    interval_ms      SimpleAggregateFunction(sum, UInt64),
    play_ms          SimpleAggregateFunction(sum, UInt64),
    rebuffer_ms      SimpleAggregateFunction(sum, UInt64),
    rebuffer_count   SimpleAggregateFunction(sum, UInt64),
    bitrate_play     SimpleAggregateFunction(sum, UInt64),
    sessions         AggregateFunction(uniq, String),
    peers            AggregateFunction(uniq, String),
    fatal_sessions   AggregateFunction(uniqIf, String, UInt8),
    startup          AggregateFunction(quantilesIf(0.5, 0.95), UInt32, UInt8)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, device_class, cohort, p2p_mode)
TTL bucket + INTERVAL 35 DAY;
CREATE MATERIALIZED VIEW IF NOT EXISTS dash_totals_1m_mv TO dash_totals_1m AS
SELECT
    toStartOfMinute(ts) AS bucket,
    device_class,
    cohort,
    p2p_mode,
    count() AS reports,
    sum(bytes_cdn) AS bytes_cdn,
    sum(bytes_p2p_down) AS bytes_p2p_down,
    sum(bytes_p2p_up) AS bytes_p2p_up,
    sum(toUInt64(interval_ms)) AS interval_ms,
    sum(toUInt64(play_ms)) AS play_ms,
    sum(toUInt64(rebuffer_ms)) AS rebuffer_ms,
    sum(toUInt64(rebuffer_count)) AS rebuffer_count,
    sum(toUInt64(bitrate_kbps) * telemetry_raw.play_ms) AS bitrate_play,
    uniqState(session_id) AS sessions,
    uniqState(peer_id) AS peers,
    uniqIfState(session_id, toUInt8(fatal_error != '')) AS fatal_sessions,
    quantilesIfState(0.5, 0.95)(assumeNotNull(startup_ms), toUInt8(isNotNull(startup_ms))) AS startup
FROM telemetry_raw
GROUP BY bucket, device_class, cohort, p2p_mode;

-- Offload, sessions, peers and QoE by the cheap dimensions: the unfiltered and device-class/cohort views.
CREATE TABLE IF NOT EXISTS dash_totals_1h (
    bucket           DateTime('UTC'),
    device_class     LowCardinality(String),
    cohort           LowCardinality(String),
    p2p_mode         LowCardinality(String),
    reports          SimpleAggregateFunction(sum, UInt64),
    bytes_cdn        SimpleAggregateFunction(sum, UInt64),
    bytes_p2p_down   SimpleAggregateFunction(sum, UInt64),
    bytes_p2p_up     SimpleAggregateFunction(sum, UInt64),
    interval_ms      SimpleAggregateFunction(sum, UInt64),
    play_ms          SimpleAggregateFunction(sum, UInt64),
    rebuffer_ms      SimpleAggregateFunction(sum, UInt64),
    rebuffer_count   SimpleAggregateFunction(sum, UInt64),
    bitrate_play     SimpleAggregateFunction(sum, UInt64),
    sessions         AggregateFunction(uniq, String),
    peers            AggregateFunction(uniq, String),
    fatal_sessions   AggregateFunction(uniqIf, String, UInt8),
    startup          AggregateFunction(quantilesIf(0.5, 0.95), UInt32, UInt8)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, device_class, cohort, p2p_mode)
TTL bucket + INTERVAL 400 DAY;
CREATE MATERIALIZED VIEW IF NOT EXISTS dash_totals_1h_mv TO dash_totals_1h AS
SELECT
    toStartOfHour(ts) AS bucket,
    device_class,
    cohort,
    p2p_mode,
    count() AS reports,
    sum(bytes_cdn) AS bytes_cdn,
    sum(bytes_p2p_down) AS bytes_p2p_down,
    sum(bytes_p2p_up) AS bytes_p2p_up,
    sum(toUInt64(interval_ms)) AS interval_ms,
    sum(toUInt64(play_ms)) AS play_ms,
    sum(toUInt64(rebuffer_ms)) AS rebuffer_ms,
    sum(toUInt64(rebuffer_count)) AS rebuffer_count,
    sum(toUInt64(bitrate_kbps) * telemetry_raw.play_ms) AS bitrate_play,
    uniqState(session_id) AS sessions,
    uniqState(peer_id) AS peers,
    uniqIfState(session_id, toUInt8(fatal_error != '')) AS fatal_sessions,
    quantilesIfState(0.5, 0.95)(assumeNotNull(startup_ms), toUInt8(isNotNull(startup_ms))) AS startup
FROM telemetry_raw
GROUP BY bucket, device_class, cohort, p2p_mode;

-- The same figures by every filter dimension, read only when a filter or breakdown needs ISP, country, title or client version.
CREATE TABLE IF NOT EXISTS dash_totals_wide_1m (
    bucket           DateTime('UTC'),
    device_class     LowCardinality(String),
    cohort           LowCardinality(String),
    p2p_mode         LowCardinality(String),
    asn              UInt32,
    country          LowCardinality(String),
    content_id       LowCardinality(String),
    client_version   LowCardinality(String),
    reports          SimpleAggregateFunction(sum, UInt64),
    bytes_cdn        SimpleAggregateFunction(sum, UInt64),
    bytes_p2p_down   SimpleAggregateFunction(sum, UInt64),
    bytes_p2p_up     SimpleAggregateFunction(sum, UInt64),
    interval_ms      SimpleAggregateFunction(sum, UInt64),
    play_ms          SimpleAggregateFunction(sum, UInt64),
    rebuffer_ms      SimpleAggregateFunction(sum, UInt64),
    rebuffer_count   SimpleAggregateFunction(sum, UInt64),
    bitrate_play     SimpleAggregateFunction(sum, UInt64),
    sessions         AggregateFunction(uniq, String),
    peers            AggregateFunction(uniq, String),
    fatal_sessions   AggregateFunction(uniqIf, String, UInt8),
    startup          AggregateFunction(quantilesIf(0.5, 0.95), UInt32, UInt8)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, device_class, cohort, p2p_mode, asn, country, content_id, client_version)
TTL bucket + INTERVAL 35 DAY;
CREATE MATERIALIZED VIEW IF NOT EXISTS dash_totals_wide_1m_mv TO dash_totals_wide_1m AS
SELECT
    toStartOfMinute(ts) AS bucket,
    device_class,
    cohort,
    p2p_mode,
    asn,
    country,
    content_id,
    client_version,
    count() AS reports,
    sum(bytes_cdn) AS bytes_cdn,
    sum(bytes_p2p_down) AS bytes_p2p_down,
    sum(bytes_p2p_up) AS bytes_p2p_up,
    sum(toUInt64(interval_ms)) AS interval_ms,
    sum(toUInt64(play_ms)) AS play_ms,
    sum(toUInt64(rebuffer_ms)) AS rebuffer_ms,
    sum(toUInt64(rebuffer_count)) AS rebuffer_count,
    sum(toUInt64(bitrate_kbps) * telemetry_raw.play_ms) AS bitrate_play,
    uniqState(session_id) AS sessions,
    uniqState(peer_id) AS peers,
    uniqIfState(session_id, toUInt8(fatal_error != '')) AS fatal_sessions,
    quantilesIfState(0.5, 0.95)(assumeNotNull(startup_ms), toUInt8(isNotNull(startup_ms))) AS startup
FROM telemetry_raw
GROUP BY bucket, device_class, cohort, p2p_mode, asn, country, content_id, client_version;

-- The same figures by every filter dimension, read only when a filter or breakdown needs ISP, country, title or client version.
CREATE TABLE IF NOT EXISTS dash_totals_wide_1h (
    bucket           DateTime('UTC'),
    device_class     LowCardinality(String),
    cohort           LowCardinality(String),
    p2p_mode         LowCardinality(String),
    asn              UInt32,
    country          LowCardinality(String),
    content_id       LowCardinality(String),
    client_version   LowCardinality(String),
    reports          SimpleAggregateFunction(sum, UInt64),
    bytes_cdn        SimpleAggregateFunction(sum, UInt64),
    bytes_p2p_down   SimpleAggregateFunction(sum, UInt64),
    bytes_p2p_up     SimpleAggregateFunction(sum, UInt64),
    interval_ms      SimpleAggregateFunction(sum, UInt64),
    play_ms          SimpleAggregateFunction(sum, UInt64),
    rebuffer_ms      SimpleAggregateFunction(sum, UInt64),
    rebuffer_count   SimpleAggregateFunction(sum, UInt64),
    bitrate_play     SimpleAggregateFunction(sum, UInt64),
    sessions         AggregateFunction(uniq, String),
    peers            AggregateFunction(uniq, String),
    fatal_sessions   AggregateFunction(uniqIf, String, UInt8),
    startup          AggregateFunction(quantilesIf(0.5, 0.95), UInt32, UInt8)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, device_class, cohort, p2p_mode, asn, country, content_id, client_version)
TTL bucket + INTERVAL 400 DAY;
CREATE MATERIALIZED VIEW IF NOT EXISTS dash_totals_wide_1h_mv TO dash_totals_wide_1h AS
SELECT
    toStartOfHour(ts) AS bucket,
    device_class,
    cohort,
    p2p_mode,
    asn,
    country,
    content_id,
    client_version,
    count() AS reports,
    sum(bytes_cdn) AS bytes_cdn,
    sum(bytes_p2p_down) AS bytes_p2p_down,
    sum(bytes_p2p_up) AS bytes_p2p_up,
    sum(toUInt64(interval_ms)) AS interval_ms,
    sum(toUInt64(play_ms)) AS play_ms,
    sum(toUInt64(rebuffer_ms)) AS rebuffer_ms,
    sum(toUInt64(rebuffer_count)) AS rebuffer_count,
    sum(toUInt64(bitrate_kbps) * telemetry_raw.play_ms) AS bitrate_play,
    uniqState(session_id) AS sessions,
    uniqState(peer_id) AS peers,
    uniqIfState(session_id, toUInt8(fatal_error != '')) AS fatal_sessions,
    quantilesIfState(0.5, 0.95)(assumeNotNull(startup_ms), toUInt8(isNotNull(startup_ms))) AS startup
FROM telemetry_raw
GROUP BY bucket, device_class, cohort, p2p_mode, asn, country, content_id, client_version;

-- Swarm health per swarm (a swarm belongs to one title, kept beside it).
CREATE TABLE IF NOT EXISTS dash_swarm_1m (
    bucket           DateTime('UTC'),
    swarm_id         LowCardinality(String),
    content_id       SimpleAggregateFunction(anyLast, String),
    reports          SimpleAggregateFunction(sum, UInt64),
    bytes_cdn        SimpleAggregateFunction(sum, UInt64),
    bytes_p2p_down   SimpleAggregateFunction(sum, UInt64),
    bytes_p2p_up     SimpleAggregateFunction(sum, UInt64),
    peers_connected  SimpleAggregateFunction(sum, UInt64),
    peer_attempts    SimpleAggregateFunction(sum, UInt64),
    peer_failures    SimpleAggregateFunction(sum, UInt64),
    peers            AggregateFunction(uniq, String),
    uploading_peers  AggregateFunction(uniqIf, String, UInt8)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, swarm_id)
TTL bucket + INTERVAL 35 DAY;
CREATE MATERIALIZED VIEW IF NOT EXISTS dash_swarm_1m_mv TO dash_swarm_1m AS
SELECT
    toStartOfMinute(ts) AS bucket,
    swarm_id,
    anyLast(toString(content_id)) AS content_id,
    count() AS reports,
    sum(bytes_cdn) AS bytes_cdn,
    sum(bytes_p2p_down) AS bytes_p2p_down,
    sum(bytes_p2p_up) AS bytes_p2p_up,
    sum(toUInt64(peers_connected)) AS peers_connected,
    sum(toUInt64(peer_attempts)) AS peer_attempts,
    sum(toUInt64(peer_failures)) AS peer_failures,
    uniqState(peer_id) AS peers,
    uniqIfState(peer_id, toUInt8(telemetry_raw.bytes_p2p_up > 0)) AS uploading_peers
FROM telemetry_raw
GROUP BY bucket, swarm_id;

-- Swarm health per swarm (a swarm belongs to one title, kept beside it).
CREATE TABLE IF NOT EXISTS dash_swarm_1h (
    bucket           DateTime('UTC'),
    swarm_id         LowCardinality(String),
    content_id       SimpleAggregateFunction(anyLast, String),
    reports          SimpleAggregateFunction(sum, UInt64),
    bytes_cdn        SimpleAggregateFunction(sum, UInt64),
    bytes_p2p_down   SimpleAggregateFunction(sum, UInt64),
    bytes_p2p_up     SimpleAggregateFunction(sum, UInt64),
    peers_connected  SimpleAggregateFunction(sum, UInt64),
    peer_attempts    SimpleAggregateFunction(sum, UInt64),
    peer_failures    SimpleAggregateFunction(sum, UInt64),
    peers            AggregateFunction(uniq, String),
    uploading_peers  AggregateFunction(uniqIf, String, UInt8)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, swarm_id)
TTL bucket + INTERVAL 400 DAY;
CREATE MATERIALIZED VIEW IF NOT EXISTS dash_swarm_1h_mv TO dash_swarm_1h AS
SELECT
    toStartOfHour(ts) AS bucket,
    swarm_id,
    anyLast(toString(content_id)) AS content_id,
    count() AS reports,
    sum(bytes_cdn) AS bytes_cdn,
    sum(bytes_p2p_down) AS bytes_p2p_down,
    sum(bytes_p2p_up) AS bytes_p2p_up,
    sum(toUInt64(peers_connected)) AS peers_connected,
    sum(toUInt64(peer_attempts)) AS peer_attempts,
    sum(toUInt64(peer_failures)) AS peer_failures,
    uniqState(peer_id) AS peers,
    uniqIfState(peer_id, toUInt8(telemetry_raw.bytes_p2p_up > 0)) AS uploading_peers
FROM telemetry_raw
GROUP BY bucket, swarm_id;

-- Per-ISP balance: exact 5-minute byte sums per reporting ASN, so peak_mbps_p95 is exact at any range.
CREATE TABLE IF NOT EXISTS dash_isp_5m (
    bucket           DateTime('UTC'),
    asn              UInt32,
    isp              SimpleAggregateFunction(anyLast, String),
    reports          SimpleAggregateFunction(sum, UInt64),
    bytes_cdn        SimpleAggregateFunction(sum, UInt64),
    bytes_p2p_down   SimpleAggregateFunction(sum, UInt64),
    bytes_p2p_up     SimpleAggregateFunction(sum, UInt64),
    p2p_intra        SimpleAggregateFunction(sum, UInt64),
    p2p_in           SimpleAggregateFunction(sum, UInt64),
    p2p_out          SimpleAggregateFunction(sum, UInt64),
    p2p_unknown_down SimpleAggregateFunction(sum, UInt64),
    p2p_unknown_up   SimpleAggregateFunction(sum, UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, asn)
TTL bucket + INTERVAL 400 DAY;
CREATE MATERIALIZED VIEW IF NOT EXISTS dash_isp_5m_mv TO dash_isp_5m AS
SELECT
    toStartOfFiveMinutes(ts) AS bucket,
    asn,
    anyLast(toString(isp)) AS isp,
    count() AS reports,
    sum(bytes_cdn) AS bytes_cdn,
    sum(bytes_p2p_down) AS bytes_p2p_down,
    sum(bytes_p2p_up) AS bytes_p2p_up,
    sum(arraySum(arrayMap((a, d) -> if(a = asn, d, 0), flows_peer_asn, flows_down))) AS p2p_intra,
    sum(arraySum(arrayMap((a, d) -> if(a != asn AND a != 0, d, 0), flows_peer_asn, flows_down))) AS p2p_in,
    sum(arraySum(arrayMap((a, u) -> if(a != asn AND a != 0, u, 0), flows_peer_asn, flows_up))) AS p2p_out,
    sum(arraySum(arrayMap((a, d) -> if(a = 0, d, 0), flows_peer_asn, flows_down))) AS p2p_unknown_down,
    sum(arraySum(arrayMap((a, u) -> if(a = 0, u, 0), flows_peer_asn, flows_up))) AS p2p_unknown_up
FROM telemetry_raw
GROUP BY bucket, asn;

-- Per-ISP balance: exact 5-minute byte sums per reporting ASN, so peak_mbps_p95 is exact at any range.
CREATE TABLE IF NOT EXISTS dash_isp_1h (
    bucket           DateTime('UTC'),
    asn              UInt32,
    isp              SimpleAggregateFunction(anyLast, String),
    reports          SimpleAggregateFunction(sum, UInt64),
    bytes_cdn        SimpleAggregateFunction(sum, UInt64),
    bytes_p2p_down   SimpleAggregateFunction(sum, UInt64),
    bytes_p2p_up     SimpleAggregateFunction(sum, UInt64),
    p2p_intra        SimpleAggregateFunction(sum, UInt64),
    p2p_in           SimpleAggregateFunction(sum, UInt64),
    p2p_out          SimpleAggregateFunction(sum, UInt64),
    p2p_unknown_down SimpleAggregateFunction(sum, UInt64),
    p2p_unknown_up   SimpleAggregateFunction(sum, UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, asn)
TTL bucket + INTERVAL 400 DAY;
CREATE MATERIALIZED VIEW IF NOT EXISTS dash_isp_1h_mv TO dash_isp_1h AS
SELECT
    toStartOfHour(ts) AS bucket,
    asn,
    anyLast(toString(isp)) AS isp,
    count() AS reports,
    sum(bytes_cdn) AS bytes_cdn,
    sum(bytes_p2p_down) AS bytes_p2p_down,
    sum(bytes_p2p_up) AS bytes_p2p_up,
    sum(arraySum(arrayMap((a, d) -> if(a = asn, d, 0), flows_peer_asn, flows_down))) AS p2p_intra,
    sum(arraySum(arrayMap((a, d) -> if(a != asn AND a != 0, d, 0), flows_peer_asn, flows_down))) AS p2p_in,
    sum(arraySum(arrayMap((a, u) -> if(a != asn AND a != 0, u, 0), flows_peer_asn, flows_up))) AS p2p_out,
    sum(arraySum(arrayMap((a, d) -> if(a = 0, d, 0), flows_peer_asn, flows_down))) AS p2p_unknown_down,
    sum(arraySum(arrayMap((a, u) -> if(a = 0, u, 0), flows_peer_asn, flows_up))) AS p2p_unknown_up
FROM telemetry_raw
GROUP BY bucket, asn;

-- ISP x ISP flows (reporting ASN x remote peer ASN), from the flows carried on each raw report.
CREATE TABLE IF NOT EXISTS dash_isp_pair_5m (
    bucket           DateTime('UTC'),
    asn              UInt32,
    peer_asn         UInt32,
    down             SimpleAggregateFunction(sum, UInt64),
    up               SimpleAggregateFunction(sum, UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, asn, peer_asn)
TTL bucket + INTERVAL 400 DAY;
CREATE MATERIALIZED VIEW IF NOT EXISTS dash_isp_pair_5m_mv TO dash_isp_pair_5m AS
SELECT
    toStartOfFiveMinutes(ts) AS bucket,
    asn,
    peer_asn,
    sum(flow_down) AS down,
    sum(flow_up) AS up
FROM telemetry_raw ARRAY JOIN flows_peer_asn AS peer_asn, flows_down AS flow_down, flows_up AS flow_up
GROUP BY bucket, asn, peer_asn;

-- ISP x ISP flows (reporting ASN x remote peer ASN), from the flows carried on each raw report.
CREATE TABLE IF NOT EXISTS dash_isp_pair_1h (
    bucket           DateTime('UTC'),
    asn              UInt32,
    peer_asn         UInt32,
    down             SimpleAggregateFunction(sum, UInt64),
    up               SimpleAggregateFunction(sum, UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, asn, peer_asn)
TTL bucket + INTERVAL 400 DAY;
CREATE MATERIALIZED VIEW IF NOT EXISTS dash_isp_pair_1h_mv TO dash_isp_pair_1h AS
SELECT
    toStartOfHour(ts) AS bucket,
    asn,
    peer_asn,
    sum(flow_down) AS down,
    sum(flow_up) AS up
FROM telemetry_raw ARRAY JOIN flows_peer_asn AS peer_asn, flows_down AS flow_down, flows_up AS flow_up
GROUP BY bucket, asn, peer_asn;
