-- Append-only audit log: sign-ins, user/key/token changes, rollout changes and approvals, kills,
-- automatic actions, report downloads. No code path updates or deletes rows.
CREATE TABLE IF NOT EXISTS audit_log (
    id           UUID DEFAULT generateUUIDv4(),
    ts           DateTime64(3, 'UTC') DEFAULT now64(3),
    actor_kind   LowCardinality(String),
    actor_id     String,
    actor_email  String,
    action       LowCardinality(String),
    target_type  LowCardinality(String),
    target_id    String,
    before       String,
    after        String,
    reason       String,
    details      String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (ts, id);
