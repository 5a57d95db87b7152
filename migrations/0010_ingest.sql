-- Ingestion storage beside telemetry_raw (0001). One INSERT into telemetry_raw fills everything here
-- through materialized views, so the raw row, its flow rows and its dedup id are written by the same
-- statement (see README "Exactly once").

-- One row per report x remote peer ASN (flows with the same peerAsn in one report are summed by the
-- writer before insert), carrying the reporter's dimensions for the ISP matrix. Raw TTL applied at start.
CREATE TABLE IF NOT EXISTS telemetry_flows (
    report_id        String CODEC(ZSTD(1)),
    ts               DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    received_at      DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    interval_ms      UInt32 CODEC(T64, ZSTD(1)),
    session_id       String CODEC(ZSTD(1)),
    device_id        String CODEC(ZSTD(1)),
    peer_id          String CODEC(ZSTD(1)),
    device_class     LowCardinality(String),
    client_version   LowCardinality(String),
    content_id       LowCardinality(String),
    swarm_id         LowCardinality(String),
    p2p_mode         LowCardinality(String),
    cohort           LowCardinality(String),
    config_version   UInt32 CODEC(T64, ZSTD(1)),
    asn              UInt32 CODEC(T64, ZSTD(1)),
    isp              LowCardinality(String),
    country          LowCardinality(String),
    peer_asn         UInt32 CODEC(T64, ZSTD(1)),
    down             UInt64 CODEC(T64, ZSTD(1)),
    up               UInt64 CODEC(T64, ZSTD(1)),
    ingest_key_id    LowCardinality(String)
) ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (toStartOfHour(ts), asn, peer_asn, device_class, ts);

CREATE MATERIALIZED VIEW IF NOT EXISTS telemetry_flows_mv TO telemetry_flows AS
SELECT
    report_id, ts, received_at, interval_ms, session_id, device_id, peer_id, device_class, client_version,
    content_id, swarm_id, p2p_mode, cohort, config_version, asn, isp, country,
    flow.1 AS peer_asn, flow.2 AS down, flow.3 AS up, ingest_key_id
FROM telemetry_raw
ARRAY JOIN arrayZip(flows_peer_asn, flows_down, flows_up) AS flow;

-- The "seen?" index for exactly-once: every stored reportId with its first arrival, looked up by
-- primary key (report_id IN …) before each insert. Kept 25 h; lookups only honour the last 24 h.
CREATE TABLE IF NOT EXISTS ingest_report_ids (
    report_id        String,
    received_at      DateTime('UTC') CODEC(DoubleDelta, ZSTD(1))
) ENGINE = ReplacingMergeTree
PARTITION BY toStartOfHour(received_at)
ORDER BY report_id
TTL received_at + INTERVAL 25 HOUR
SETTINGS ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS ingest_report_ids_mv TO ingest_report_ids AS
SELECT report_id, toDateTime(received_at, 'UTC') AS received_at
FROM telemetry_raw;

-- Ingest keys: the key itself is never stored, only its SHA-256 (keys are 256-bit random values).
-- Changes append a newer version of the row; read with FINAL.
CREATE TABLE IF NOT EXISTS ingest_keys (
    id                 String,
    name               String,
    key_hash           String,
    key_prefix         String,
    rate_limit_per_sec UInt32,
    trusted_relay      UInt8,
    created_at         DateTime64(3, 'UTC'),
    created_by         String,
    revoked_at         Nullable(DateTime64(3, 'UTC')),
    version            UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY id;
