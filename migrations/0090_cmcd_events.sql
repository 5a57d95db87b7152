-- CMCD v2 event-mode reports (CTA-5004-B), one row per accepted event line (POST /api/v1/cmcd).
-- Players that do not embed the Swarmdeck SDK report play-state changes, errors and time-interval
-- ticks here; the QoE figures turn a session's events into play / rebuffer intervals at query time
-- (server/cmcd/qoe-source.ts), so a late or out-of-order batch still lands in the right interval.
-- Keyed by (session_id, sn): the exactly-once check before each insert is a primary-key read.
-- No client address is stored: asn / isp / country are derived from it at ingest, like telemetry.
CREATE TABLE IF NOT EXISTS cmcd_events (
    session_id       String CODEC(ZSTD(1)),
    sn               UInt32,
    ts               DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    received_at      DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    event            LowCardinality(String),
    sta              LowCardinality(String),
    content_id       LowCardinality(String),
    device_id        String CODEC(ZSTD(1)),
    device_class     LowCardinality(String),
    cohort           LowCardinality(String),
    config_version   Nullable(UInt32),
    client_version   LowCardinality(String),
    streaming_format LowCardinality(String),
    stream_type      LowCardinality(String),
    br_kbps          Nullable(UInt32),
    mtp_kbps         Nullable(UInt32),
    bl_ms            Nullable(UInt32),
    msd_ms           Nullable(UInt32),
    pt_ms            Nullable(UInt64),
    bs               UInt8,
    bsd_ms           Array(UInt32),
    error_codes      Array(String),
    asn              UInt32 CODEC(T64, ZSTD(1)),
    isp              LowCardinality(String),
    country          LowCardinality(String),
    ingest_key_id    LowCardinality(String)
) ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (session_id, sn)
TTL toDateTime(ts) + INTERVAL 35 DAY;
