-- Event-sourced rollout config: every change is an immutable row in one global sequence (seq).
-- A class's current config is its row with the highest seq; class_version counts the changes
-- applied to that class (the configVersion clients see). device_class '*' rows carry the global
-- kill switch. No code path updates or deletes rows.
CREATE TABLE IF NOT EXISTS rollout_events (
    seq           UInt64,
    ts            DateTime64(3, 'UTC') DEFAULT now64(3),
    device_class  LowCardinality(String),
    class_version UInt32,
    kind          LowCardinality(String),
    rule          String,
    killed        UInt8,
    capabilities  String,
    request_id    String,
    actor_kind    LowCardinality(String),
    actor_id      String,
    actor_email   String,
    reason        String
) ENGINE = MergeTree
ORDER BY (seq, device_class);
