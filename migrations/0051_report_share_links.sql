-- Share links for people without a console account: a random token (only its SHA-256 is stored)
-- scoped to a set of ASNs and dates, with an expiry. Revoking writes a newer version of the row.
CREATE TABLE IF NOT EXISTS report_share_links (
    id            String,
    token_hash    FixedString(64),
    asns          Array(UInt32),
    from_day      Date,
    to_day        Date,
    expires_at    DateTime64(3, 'UTC'),
    created_at    DateTime64(3, 'UTC'),
    created_by    String,
    label         String,
    revoked_at    Nullable(DateTime64(3, 'UTC')),
    revoked_by    String DEFAULT '',
    version       UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY id;
