-- Scoped, expiring, revocable API tokens (reports). Only the SHA-256 of the token is stored.
CREATE TABLE IF NOT EXISTS api_tokens (
    id         String,
    name       String,
    scope      LowCardinality(String),
    token_hash String,
    prefix     String,
    created_by String,
    created_at DateTime64(3, 'UTC'),
    expires_at Nullable(DateTime64(3, 'UTC')),
    revoked_at Nullable(DateTime64(3, 'UTC')),
    version    UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY id;
