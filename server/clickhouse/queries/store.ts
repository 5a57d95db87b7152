import { z } from 'zod';

/*
 * The naming scheme of server/clickhouse/queries/: a statement is a `PascalCaseSql` constant, or a
 * `camelCaseSql(…)` builder when its shape depends on a plan (a source table, a fixed table name, a DDL
 * literal); the rows it returns are parsed by the zod schema `PascalCaseRow` beside it; table names are
 * `SCREAMING_TABLE` constants and reusable fragments `SCREAMING_*`. Values are bound parameters
 * (`{name:Type}`) everywhere except DDL, which takes none (its literals are built from our own values).
 */

/** A string literal for DDL, which takes no bound parameters (BACKUP/RESTORE paths are ours, not input). */
function sqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** An identifier (a table name read from system.tables). */
function ident(s: string): string {
  return `\`${s.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

/** Backups of the embedded store (server/store/backup.ts). */
export const backupDatabaseSql = (file: string) => `BACKUP DATABASE default TO File(${sqlString(file)})`;
export const restoreDatabaseSql = (file: string) => `RESTORE DATABASE default FROM File(${sqlString(file)})`;
export const dropTableSql = (table: string) => `DROP TABLE IF EXISTS ${ident(table)} SYNC`;
export const StoreTablesSql =
  "SELECT name, toUInt8(engine = 'MaterializedView') AS is_view FROM system.tables WHERE database = currentDatabase()";
export const StoreTablesRow = z.object({ name: z.string(), is_view: z.coerce.number() });
export const CountStoreTablesSql = 'SELECT count() AS n FROM system.tables WHERE database = currentDatabase()';
export const CountStoreTablesRow = z.object({ n: z.coerce.number() });

/** Row counts and disk use of the project's tables: the store-status panel. */
export const TableStatsSql = `
SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes
FROM system.parts
WHERE active AND database = currentDatabase()
GROUP BY table
ORDER BY table`;
export const TableStatsRow = z.object({ table: z.string(), rows: z.coerce.number(), bytes: z.coerce.number() });
export type TableStatsRow = z.infer<typeof TableStatsRow>;

/**
 * Reports received per minute over the last hour, from the dedup index (one row per stored report,
 * partitioned by hour: this reads at most two partitions whatever the raw table holds).
 */
export const IngestPerMinuteSql = `
SELECT toUnixTimestamp(toStartOfMinute(received_at)) AS minute, count() AS reports
FROM ingest_report_ids
WHERE received_at >= toStartOfMinute(now()) - INTERVAL 59 MINUTE
GROUP BY minute
ORDER BY minute`;
export const IngestPerMinuteRow = z.object({ minute: z.coerce.number(), reports: z.coerce.number() });

/** When the last report arrived (the index keeps 25 h; the raw table answers for older stores). */
export const LastReceivedRecentSql = `SELECT toUnixTimestamp64Milli(max(received_at)) AS at, count() AS n FROM (SELECT toDateTime64(received_at, 3) AS received_at FROM ingest_report_ids WHERE received_at >= now() - INTERVAL 25 HOUR)`;
export const LastReceivedRawSql = `SELECT toUnixTimestamp64Milli(max(received_at)) AS at, count() AS n FROM telemetry_raw`;
export const LastReceivedRow = z.object({ at: z.coerce.number(), n: z.coerce.number() });

/** The newest applied migrations, for the System page. */
export const RecentMigrationsSql = `
SELECT version, file, toUnixTimestamp64Milli(applied_at) AS applied_at
FROM schema_migrations
ORDER BY version DESC
LIMIT {limit:UInt32}`;
export const RecentMigrationRow = z.object({
  version: z.coerce.number(),
  file: z.string(),
  applied_at: z.coerce.number(),
});

/**
 * The slow-store drill (server/store/drill.ts): one parameterized query that sleeps `pause` seconds per
 * row for `rows` rows. The embedded engine runs bound-parameter queries one at a time, so every other
 * store query queues behind it — the store answers nothing until the drill ends.
 */
export const HoldStoreSql = `
SELECT sum(sleepEachRow({pause:Float64})) AS slept
FROM numbers({rows:UInt32})
SETTINGS max_block_size = 1, function_sleep_max_microseconds_per_block = 0, max_execution_time = 0`;
export const HoldStoreRow = z.object({ slept: z.coerce.number() });
