-- Console users. Each change inserts a new row version; readers take the latest with FINAL.
-- sessions_valid_after ends every session issued before it (deactivation, role change).
CREATE TABLE IF NOT EXISTS users (
    id                   String,
    email                String,
    name                 String,
    role                 LowCardinality(String),
    status               LowCardinality(String),
    password_hash        String,
    sessions_valid_after DateTime64(3, 'UTC'),
    created_at           DateTime64(3, 'UTC'),
    updated_at           DateTime64(3, 'UTC'),
    version              UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY id;
