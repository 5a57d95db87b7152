import { query, serverVersion, storeMode } from '../clickhouse/client';
import { migrationStatus } from '../clickhouse/migrate';
import { TableStatsRow, TableStatsSql } from '../clickhouse/queries/store';

export async function storeStatus() {
  const [version, migrations, tables] = await Promise.all([
    serverVersion(),
    migrationStatus(),
    query(TableStatsSql, {}, TableStatsRow),
  ]);
  return {
    mode: storeMode(),
    version,
    migrations: { applied: migrations.applied, pending: migrations.pending },
    tables,
  };
}
export type StoreStatus = Awaited<ReturnType<typeof storeStatus>>;
