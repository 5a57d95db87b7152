-- Per-day flow sums per (reporting ASN, remote peer ASN), rolled up from the same inserts as
-- report_pair_5m, so a range's top partners read ~300 rows per ISP-month instead of ~100 000.
CREATE TABLE IF NOT EXISTS report_pair_day (
    day           Date,
    asn           UInt32,
    peer_asn      UInt32,
    down          UInt64 CODEC(T64, ZSTD(1)),
    up            UInt64 CODEC(T64, ZSTD(1))
) ENGINE = SummingMergeTree((down, up))
PARTITION BY toYYYYMM(day)
ORDER BY (asn, day, peer_asn)
TTL day + INTERVAL 401 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS report_pair_day_mv TO report_pair_day AS
SELECT
    toDate(ts, 'UTC') AS day,
    asn,
    flow.1 AS peer_asn,
    sum(flow.2) AS down,
    sum(flow.3) AS up
FROM telemetry_raw
ARRAY JOIN arrayZip(flows_peer_asn, flows_down, flows_up) AS flow
GROUP BY day, asn, peer_asn;

-- What was stored before this view existed (migrations run before the server takes traffic).
INSERT INTO report_pair_day
SELECT toDate(bucket) AS day, asn, peer_asn, sum(down) AS down, sum(up) AS up
FROM report_pair_5m
GROUP BY day, asn, peer_asn;
