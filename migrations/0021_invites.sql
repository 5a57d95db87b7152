-- One-time invitation links: only the SHA-256 of the token is stored.
CREATE TABLE IF NOT EXISTS user_invites (
    token_hash String,
    user_id    String,
    created_by String,
    created_at DateTime64(3, 'UTC'),
    expires_at DateTime64(3, 'UTC'),
    used_at    Nullable(DateTime64(3, 'UTC')),
    version    UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY token_hash;
