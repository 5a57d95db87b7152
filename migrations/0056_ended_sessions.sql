-- Sessions ended by signing out: the session id of a sealed cookie is kept here until the cookie would
-- have expired anyway, so a copy of a signed-out cookie is refused (across restarts and by every server
-- sharing the store). The TTL drops a row an hour after that moment.
CREATE TABLE IF NOT EXISTS ended_sessions (
    sid        String,
    ended_at   DateTime64(3, 'UTC'),
    expires_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY sid
TTL toDateTime(expires_at) + INTERVAL 1 HOUR;
