-- Reports a client lost before they could be delivered (kept longer than the 24 h dedup window, or
-- pushed out of a full buffer), as counted by the SDK and carried in its next delivered report
-- (`clientDropped`, a field the server reads beside the contract's report; see README "Client-side
-- losses"). One row per carrying report: a resent copy of that report replaces its own row, so a count
-- is never added twice.
CREATE TABLE IF NOT EXISTS client_report_drops (
    report_id        String,
    ingest_key_id    LowCardinality(String),
    received_at      DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    device_class     LowCardinality(String),
    expired          UInt32,
    overflow         UInt32
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (ingest_key_id, report_id)
TTL toDateTime(received_at) + INTERVAL 90 DAY;
