-- Change requests, append-only: each state change of a request (pending, edited, approved, rejected,
-- applied, expired, voided) is a new row with a higher revision; the latest revision is its state.
CREATE TABLE IF NOT EXISTS rollout_requests (
    id            String,
    revision      UInt32,
    ts            DateTime64(3, 'UTC') DEFAULT now64(3),
    device_class  LowCardinality(String),
    kind          LowCardinality(String),
    status        LowCardinality(String),
    base_version  UInt32,
    rule          String,
    author_id     String,
    author_email  String,
    reason        String,
    approvals     String,
    decided_by_id    String,
    decided_by_email String,
    comment       String,
    created_at    DateTime64(3, 'UTC'),
    expires_at    DateTime64(3, 'UTC'),
    applied_seq   UInt64
) ENGINE = MergeTree
ORDER BY (id, revision);
