-- Where the ingestion writer lands a batch under load: one part per batch, no views (README: Ingestion,
-- "Landing under load"). The batch is acknowledged once it is here (durable), and landed batches are
-- moved into telemetry_raw, which fills every view, in large statements; a moved batch's partition is
-- dropped. Columns: land_seq (the landing insert, one partition each) and telemetry_raw's columns in its
-- order — a later migration that adds a column to telemetry_raw adds it here too.
CREATE TABLE IF NOT EXISTS ingest_landing
ENGINE = MergeTree PARTITION BY land_seq ORDER BY land_seq
EMPTY AS SELECT toUInt64(0) AS land_seq, * FROM telemetry_raw;
