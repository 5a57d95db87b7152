-- Dashboard rollups at a 15-minute grain, read for ranges over 6 h up to 24 h (chart step 15 min), where
-- merging 1,440 minute states of uniq/quantiles per figure was the cost. Each table is fed by a cascading
-- materialized view on the matching minute rollup (not on telemetry_raw): it re-aggregates the minute
-- block already built per insert, so ingestion does not scan raw reports again. Existing minute rows are
-- copied in first (migrations run before ingestion starts). Kept as long as the minute grain (35 days).

-- Totals by the cheap dimensions (see dash_totals_1m).
CREATE TABLE IF NOT EXISTS dash_totals_15m (
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
INSERT INTO dash_totals_15m
SELECT
    toStartOfFifteenMinutes(bucket) AS bucket,
    device_class,
    cohort,
    p2p_mode,
    sum(reports) AS reports,
    sum(bytes_cdn) AS bytes_cdn,
    sum(bytes_p2p_down) AS bytes_p2p_down,
    sum(bytes_p2p_up) AS bytes_p2p_up,
    sum(interval_ms) AS interval_ms,
    sum(play_ms) AS play_ms,
    sum(rebuffer_ms) AS rebuffer_ms,
    sum(rebuffer_count) AS rebuffer_count,
    sum(bitrate_play) AS bitrate_play,
    uniqMergeState(sessions) AS sessions,
    uniqMergeState(peers) AS peers,
    uniqIfMergeState(fatal_sessions) AS fatal_sessions,
    quantilesIfMergeState(0.5, 0.95)(startup) AS startup
FROM dash_totals_1m
GROUP BY bucket, device_class, cohort, p2p_mode;
CREATE MATERIALIZED VIEW IF NOT EXISTS dash_totals_15m_mv TO dash_totals_15m AS
SELECT
    toStartOfFifteenMinutes(bucket) AS bucket,
    device_class,
    cohort,
    p2p_mode,
    sum(reports) AS reports,
    sum(bytes_cdn) AS bytes_cdn,
    sum(bytes_p2p_down) AS bytes_p2p_down,
    sum(bytes_p2p_up) AS bytes_p2p_up,
    sum(interval_ms) AS interval_ms,
    sum(play_ms) AS play_ms,
    sum(rebuffer_ms) AS rebuffer_ms,
    sum(rebuffer_count) AS rebuffer_count,
    sum(bitrate_play) AS bitrate_play,
    uniqMergeState(sessions) AS sessions,
    uniqMergeState(peers) AS peers,
    uniqIfMergeState(fatal_sessions) AS fatal_sessions,
    quantilesIfMergeState(0.5, 0.95)(startup) AS startup
FROM dash_totals_1m
GROUP BY bucket, device_class, cohort, p2p_mode;

-- Totals by every filter dimension (see dash_totals_wide_1m).
CREATE TABLE IF NOT EXISTS dash_totals_wide_15m (
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
INSERT INTO dash_totals_wide_15m
SELECT
    toStartOfFifteenMinutes(bucket) AS bucket,
    device_class,
    cohort,
    p2p_mode,
    asn,
    country,
    content_id,
    client_version,
    sum(reports) AS reports,
    sum(bytes_cdn) AS bytes_cdn,
    sum(bytes_p2p_down) AS bytes_p2p_down,
    sum(bytes_p2p_up) AS bytes_p2p_up,
    sum(interval_ms) AS interval_ms,
    sum(play_ms) AS play_ms,
    sum(rebuffer_ms) AS rebuffer_ms,
    sum(rebuffer_count) AS rebuffer_count,
    sum(bitrate_play) AS bitrate_play,
    uniqMergeState(sessions) AS sessions,
    uniqMergeState(peers) AS peers,
    uniqIfMergeState(fatal_sessions) AS fatal_sessions,
    quantilesIfMergeState(0.5, 0.95)(startup) AS startup
FROM dash_totals_wide_1m
GROUP BY bucket, device_class, cohort, p2p_mode, asn, country, content_id, client_version;
CREATE MATERIALIZED VIEW IF NOT EXISTS dash_totals_wide_15m_mv TO dash_totals_wide_15m AS
SELECT
    toStartOfFifteenMinutes(bucket) AS bucket,
    device_class,
    cohort,
    p2p_mode,
    asn,
    country,
    content_id,
    client_version,
    sum(reports) AS reports,
    sum(bytes_cdn) AS bytes_cdn,
    sum(bytes_p2p_down) AS bytes_p2p_down,
    sum(bytes_p2p_up) AS bytes_p2p_up,
    sum(interval_ms) AS interval_ms,
    sum(play_ms) AS play_ms,
    sum(rebuffer_ms) AS rebuffer_ms,
    sum(rebuffer_count) AS rebuffer_count,
    sum(bitrate_play) AS bitrate_play,
    uniqMergeState(sessions) AS sessions,
    uniqMergeState(peers) AS peers,
    uniqIfMergeState(fatal_sessions) AS fatal_sessions,
    quantilesIfMergeState(0.5, 0.95)(startup) AS startup
FROM dash_totals_wide_1m
GROUP BY bucket, device_class, cohort, p2p_mode, asn, country, content_id, client_version;

-- Swarm health per swarm (see dash_swarm_1m).
CREATE TABLE IF NOT EXISTS dash_swarm_15m (
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
INSERT INTO dash_swarm_15m
SELECT
    toStartOfFifteenMinutes(bucket) AS bucket,
    swarm_id,
    anyLast(content_id) AS content_id,
    sum(reports) AS reports,
    sum(bytes_cdn) AS bytes_cdn,
    sum(bytes_p2p_down) AS bytes_p2p_down,
    sum(bytes_p2p_up) AS bytes_p2p_up,
    sum(peers_connected) AS peers_connected,
    sum(peer_attempts) AS peer_attempts,
    sum(peer_failures) AS peer_failures,
    uniqMergeState(peers) AS peers,
    uniqIfMergeState(uploading_peers) AS uploading_peers
FROM dash_swarm_1m
GROUP BY bucket, swarm_id;
CREATE MATERIALIZED VIEW IF NOT EXISTS dash_swarm_15m_mv TO dash_swarm_15m AS
SELECT
    toStartOfFifteenMinutes(bucket) AS bucket,
    swarm_id,
    anyLast(content_id) AS content_id,
    sum(reports) AS reports,
    sum(bytes_cdn) AS bytes_cdn,
    sum(bytes_p2p_down) AS bytes_p2p_down,
    sum(bytes_p2p_up) AS bytes_p2p_up,
    sum(peers_connected) AS peers_connected,
    sum(peer_attempts) AS peer_attempts,
    sum(peer_failures) AS peer_failures,
    uniqMergeState(peers) AS peers,
    uniqIfMergeState(uploading_peers) AS uploading_peers
FROM dash_swarm_1m
GROUP BY bucket, swarm_id;
