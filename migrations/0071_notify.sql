-- Webhooks for rollout notifications, append-only revisions (the latest is the state; deleted = 1 hides it).
-- The signing secret is never stored: it is derived from the server secret and the row's salt.
CREATE TABLE IF NOT EXISTS notify_webhooks (
    id          String,
    revision    UInt32,
    ts          DateTime64(3, 'UTC') DEFAULT now64(3),
    name        String,
    url         String,
    format      LowCardinality(String),
    kinds       Array(LowCardinality(String)),
    salt        String,
    enabled     UInt8,
    deleted     UInt8,
    actor_email String
) ENGINE = MergeTree
ORDER BY (id, revision);

-- Every notification the console shows (the notification list), newest first by ts.
CREATE TABLE IF NOT EXISTS notify_events (
    id           String,
    ts           DateTime64(3, 'UTC'),
    kind         LowCardinality(String),
    device_class LowCardinality(String),
    plan_id      String,
    text         String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (ts, id)
TTL toDateTime(ts) + INTERVAL 400 DAY;

-- Each delivery attempt of a notification to a webhook; the latest attempt per (event, webhook) is its status.
CREATE TABLE IF NOT EXISTS notify_deliveries (
    event_id     String,
    webhook_id   String,
    attempt      UInt32,
    ts           DateTime64(3, 'UTC'),
    kind         LowCardinality(String),
    status       LowCardinality(String),
    http_status  UInt16,
    error        String,
    next_at      Nullable(DateTime64(3, 'UTC'))
) ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (webhook_id, event_id, attempt)
TTL toDateTime(ts) + INTERVAL 90 DAY;
