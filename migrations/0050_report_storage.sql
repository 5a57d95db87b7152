-- The 400-day report storage (reports contract v1), kept independently of the raw table's TTL.
-- Filled by materialized views on every insert into telemetry_raw; a report counts in the 5-minute
-- bucket and the UTC day that contain its ts.

-- Exact 5-minute byte sums per reporting ASN. The flow columns are split here, at insert time, by
-- whether the remote peer is the reporter's own ASN (intra), another known ASN (in/out) or unknown (0).
CREATE TABLE IF NOT EXISTS report_asn_5m (
    bucket        DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
    asn           UInt32,
    cdn           UInt64 CODEC(T64, ZSTD(1)),
    p2p_down      UInt64 CODEC(T64, ZSTD(1)),
    p2p_intra     UInt64 CODEC(T64, ZSTD(1)),
    p2p_in        UInt64 CODEC(T64, ZSTD(1)),
    p2p_out       UInt64 CODEC(T64, ZSTD(1)),
    reports       UInt64 CODEC(T64, ZSTD(1))
) ENGINE = SummingMergeTree((cdn, p2p_down, p2p_intra, p2p_in, p2p_out, reports))
PARTITION BY toYYYYMM(bucket)
ORDER BY (asn, bucket)
TTL toDate(bucket) + INTERVAL 401 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS report_asn_5m_mv TO report_asn_5m AS
SELECT
    toDateTime(toStartOfFiveMinutes(ts), 'UTC') AS bucket,
    asn,
    sum(bytes_cdn) AS cdn,
    sum(bytes_p2p_down) AS p2p_down,
    sum(arraySum(arrayMap((d, p) -> if(p = asn, d, 0), flows_down, flows_peer_asn))) AS p2p_intra,
    sum(arraySum(arrayMap((d, p) -> if(p != asn AND p != 0, d, 0), flows_down, flows_peer_asn))) AS p2p_in,
    sum(arraySum(arrayMap((u, p) -> if(p != asn AND p != 0, u, 0), flows_up, flows_peer_asn))) AS p2p_out,
    count() AS reports
FROM telemetry_raw
GROUP BY bucket, asn;

-- Exact 5-minute flow sums per (reporting ASN, remote peer ASN): top partners, cross-ISP detail.
CREATE TABLE IF NOT EXISTS report_pair_5m (
    bucket        DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
    asn           UInt32,
    peer_asn      UInt32,
    down          UInt64 CODEC(T64, ZSTD(1)),
    up            UInt64 CODEC(T64, ZSTD(1))
) ENGINE = SummingMergeTree((down, up))
PARTITION BY toYYYYMM(bucket)
ORDER BY (asn, bucket, peer_asn)
TTL toDate(bucket) + INTERVAL 401 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS report_pair_5m_mv TO report_pair_5m AS
SELECT
    toDateTime(toStartOfFiveMinutes(ts), 'UTC') AS bucket,
    asn,
    flow.1 AS peer_asn,
    sum(flow.2) AS down,
    sum(flow.3) AS up
FROM telemetry_raw
ARRAY JOIN arrayZip(flows_peer_asn, flows_down, flows_up) AS flow
GROUP BY bucket, asn, peer_asn;

-- Per-day QoE sums, exact distinct-session states (they merge exactly across days) and the ISP name (max: a
-- non-empty name always wins over an unenriched empty one, whatever order parts merge in).
CREATE TABLE IF NOT EXISTS report_asn_day (
    day           Date,
    asn           UInt32,
    play_ms       SimpleAggregateFunction(sum, UInt64),
    rebuffer_ms   SimpleAggregateFunction(sum, UInt64),
    sessions      AggregateFunction(uniqExact, String),
    isp           SimpleAggregateFunction(max, String)
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (asn, day)
TTL day + INTERVAL 401 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS report_asn_day_mv TO report_asn_day AS
SELECT
    toDate(ts, 'UTC') AS day,
    asn,
    sum(toUInt64(play_ms)) AS play_ms,
    sum(toUInt64(rebuffer_ms)) AS rebuffer_ms,
    uniqExactState(session_id) AS sessions,
    max(toString(isp)) AS isp
FROM telemetry_raw
GROUP BY day, asn;
