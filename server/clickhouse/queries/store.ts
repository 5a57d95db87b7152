import { z } from 'zod';

/*
 * The naming scheme of server/clickhouse/queries/: a statement is a `PascalCaseSql` constant made by
 * `statement(sql, params, row)`: its SQL, the zod schema `PascalCaseParams` of its bound `{name:Type}`
 * parameters (exactly the placeholders it names, in name and type — queries/params.test.ts holds them to
 * it; `NoParams` when it takes none) and the zod schema `PascalCaseRow` of the rows it returns, side by
 * side. `query(stmt, input)` and `command(stmt, input)` (server/clickhouse/client.ts) parse `input` with
 * the params schema, so a call site is type-checked, a wrong value fails before it reaches the engine,
 * and an input shared by several statements binds only what each names. Table names are `SCREAMING_TABLE` constants and reusable
 * fragments `SCREAMING_*`. Values are bound parameters everywhere except DDL, which takes none (its
 * literals are built from our own values).
 *
 * The exception is a `camelCaseSql(…)` builder, whose shape depends on a plan (a source table, a fixed
 * table name, a DDL literal, the filters present): it returns SQL text, and its caller binds a params
 * record built beside it (the dashboards' `filterSql` with its `f_<key>` params, `auditListParams`) with
 * `query(sql, params, row)` — the same form tests and scripts use for their own SQL.
 */

/** A statement: its SQL, the schema of its bound parameters and (for a SELECT) the schema of its rows. */
export interface Statement<P extends z.ZodObject = z.ZodObject, R extends z.ZodType = z.ZodType> {
  readonly sql: string;
  readonly params: P;
  readonly row: R;
}

export function statement<P extends z.ZodObject, R extends z.ZodType>(sql: string, params: P, row: R): Statement<P, R> {
  return Object.freeze({ sql, params, row });
}

/** The params schema of a statement without placeholders. */
export const NoParams = z.object({});
/** The row schema of a statement run by command(), which returns none. */
export const NoRows = z.never();

export function isStatement(v: unknown): v is Statement {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Statement).sql === 'string' &&
    (v as Statement).params instanceof z.ZodObject &&
    (v as Statement).row instanceof z.ZodType
  );
}

/** The engine's version (health, readiness, the System page). */
export const ServerVersionRow = z.object({ v: z.string() });
export const ServerVersionSql = statement('SELECT version() AS v', NoParams, ServerVersionRow);

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
export const StoreTablesRow = z.object({ name: z.string(), is_view: z.coerce.number() });
export const StoreTablesSql = statement(
  "SELECT name, toUInt8(engine = 'MaterializedView') AS is_view FROM system.tables WHERE database = currentDatabase()",
  NoParams,
  StoreTablesRow,
);
export const CountStoreTablesRow = z.object({ n: z.coerce.number() });
export const CountStoreTablesSql = statement(
  'SELECT count() AS n FROM system.tables WHERE database = currentDatabase()',
  NoParams,
  CountStoreTablesRow,
);

/** Row counts and disk use of the project's tables: the store-status panel. */
export const TableStatsRow = z.object({ table: z.string(), rows: z.coerce.number(), bytes: z.coerce.number() });
export type TableStatsRow = z.infer<typeof TableStatsRow>;
export const TableStatsSql = statement(
  `
SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes
FROM system.parts
WHERE active AND database = currentDatabase()
GROUP BY table
ORDER BY table`,
  NoParams,
  TableStatsRow,
);

/**
 * Reports received per minute over the last hour, from the dedup index (one row per stored report,
 * partitioned by hour: this reads at most two partitions whatever the raw table holds).
 */
export const IngestPerMinuteRow = z.object({ minute: z.coerce.number(), reports: z.coerce.number() });
export const IngestPerMinuteSql = statement(
  `
SELECT toUnixTimestamp(toStartOfMinute(received_at)) AS minute, count() AS reports
FROM ingest_report_ids
WHERE received_at >= toStartOfMinute(now()) - INTERVAL 59 MINUTE
GROUP BY minute
ORDER BY minute`,
  NoParams,
  IngestPerMinuteRow,
);

/** When the last report arrived (the index keeps 25 h; the raw table answers for older stores). */
export const LastReceivedRow = z.object({ at: z.coerce.number(), n: z.coerce.number() });
export const LastReceivedRawSql = statement(
  `SELECT toUnixTimestamp64Milli(max(received_at)) AS at, count() AS n FROM telemetry_raw`,
  NoParams,
  LastReceivedRow,
);
export const LastReceivedRecentSql = statement(
  `SELECT toUnixTimestamp64Milli(max(received_at)) AS at, count() AS n FROM (SELECT toDateTime64(received_at, 3) AS received_at FROM ingest_report_ids WHERE received_at >= now() - INTERVAL 25 HOUR)`,
  NoParams,
  LastReceivedRow,
);

/** The migrations runner's record (server/clickhouse/migrate.ts). */
export const CreateMigrationsTableSql = statement(
  `CREATE TABLE IF NOT EXISTS schema_migrations (
    version UInt32,
    file String,
    checksum FixedString(64),
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
  ) ENGINE = MergeTree ORDER BY version`,
  NoParams,
  NoRows,
);
export const AppliedMigrationRow = z.object({ version: z.coerce.number(), file: z.string(), checksum: z.string() });
export type AppliedMigrationRow = z.infer<typeof AppliedMigrationRow>;
export const AppliedMigrationsSql = statement(
  'SELECT version, file, toString(checksum) AS checksum FROM schema_migrations ORDER BY version',
  NoParams,
  AppliedMigrationRow,
);

/** The newest applied migrations, for the System page. */
export const RecentMigrationRow = z.object({
  version: z.coerce.number(),
  file: z.string(),
  applied_at: z.coerce.number(),
});
export const RecentMigrationsParams = z.object({ limit: z.number() });
export const RecentMigrationsSql = statement(
  `
SELECT version, file, toUnixTimestamp64Milli(applied_at) AS applied_at
FROM schema_migrations
ORDER BY version DESC
LIMIT {limit:UInt32}`,
  RecentMigrationsParams,
  RecentMigrationRow,
);

/**
 * The slow-store drill (server/store/drill.ts): one parameterized query that sleeps `pause` seconds per
 * row for `rows` rows. The embedded engine runs bound-parameter queries one at a time, so every other
 * store query queues behind it — the store answers nothing until the drill ends.
 */
export const HoldStoreRow = z.object({ slept: z.coerce.number() });
export const HoldStoreParams = z.object({ pause: z.number(), rows: z.number() });
export type HoldStoreParams = z.infer<typeof HoldStoreParams>;
export const HoldStoreSql = statement(
  `
SELECT sum(sleepEachRow({pause:Float64})) AS slept
FROM numbers({rows:UInt32})
SETTINGS max_block_size = 1, function_sleep_max_microseconds_per_block = 0, max_execution_time = 0`,
  HoldStoreParams,
  HoldStoreRow,
);
