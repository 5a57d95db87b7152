-- Guarded rollout plans, append-only: every change of a plan (created, approved, advanced, held,
-- rolled back, paused, edited, stopped) is a new row with a higher revision; the latest is its state.
CREATE TABLE IF NOT EXISTS rollout_plans (
    id               String,
    revision         UInt32,
    ts               DateTime64(3, 'UTC') DEFAULT now64(3),
    device_class     LowCardinality(String),
    plan             String,
    status           LowCardinality(String),
    stage_index      Int32,
    stage_started_at DateTime64(3, 'UTC'),
    request_id       String,
    approved         UInt8,
    actor_kind       LowCardinality(String),
    actor_id         String,
    actor_email      String,
    reason           String,
    decision         String
) ENGINE = MergeTree
ORDER BY (id, revision);

-- One row per guardrail per evaluator look: the evidence charts (difference, band, threshold over time).
CREATE TABLE IF NOT EXISTS rollout_plan_looks (
    plan_id      String,
    ts           DateTime64(3, 'UTC'),
    stage_index  Int32,
    metric       LowCardinality(String),
    treatment    Nullable(Float64),
    control      Nullable(Float64),
    diff         Nullable(Float64),
    lower        Nullable(Float64),
    upper        Nullable(Float64),
    threshold    Nullable(Float64),
    n_treatment  UInt32,
    n_control    UInt32,
    status       LowCardinality(String),
    srm_p        Float64,
    mismatches   UInt32,
    verdict      LowCardinality(String),
    why          String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (plan_id, ts, metric)
TTL toDateTime(ts) + INTERVAL 180 DAY;
