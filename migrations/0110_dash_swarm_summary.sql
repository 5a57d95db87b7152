-- The Swarms page's summary (server/dashboards/swarm-summary.ts): per snapshot of one preset range (24 h, 7 d),
-- every swarm of the window with its final figures, in the list of all swarms at its rank by active peers
-- (list 0) and, when in trouble, once more in the trouble list at its rank there (list 1). The default page
-- and the trouble banner are then two ranges of the key, whatever the fleet's size. The server rebuilds a
-- snapshot in the background and drops the superseded ones (a partition each), so the table holds a few
-- snapshots at most; nothing here is kept longer than a refresh or two.
CREATE TABLE IF NOT EXISTS dash_swarm_summary (
    snapshot         UInt64,
    preset           LowCardinality(String),
    list             UInt8,
    pos              UInt32,
    swarm_id         String,
    content          String,
    peers            UInt64,
    uploading_peers  UInt64,
    reports          UInt64,
    connected        UInt64,
    attempts         UInt64,
    failures         UInt64,
    cdn              UInt64,
    p2p_down         UInt64,
    p2p_up           UInt64,
    in_trouble       UInt8
) ENGINE = MergeTree
PARTITION BY snapshot
ORDER BY (list, pos)
SETTINGS index_granularity = 256;
