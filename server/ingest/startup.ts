import { command, query } from '../clickhouse/client';
import { FLOWS_TABLE, RAW_TABLE, rawTtlSql, TableTtlSql } from '../clickhouse/queries/ingest';
import { env } from '../env';
import type { StartupTask } from '../startup';
import { geoDb } from './geo';
import { ingestWriter } from './writer';

/**
 * The raw tables' TTL comes from SWARMDECK_RAW_TTL_DAYS (default 35) and is applied at every start,
 * not written into a checksummed migration; unchanged TTLs are left alone (no mutation).
 */
export async function applyRawTtl(log: (line: string) => void = () => {}): Promise<void> {
  const days = env().SWARMDECK_RAW_TTL_DAYS;
  const want = `TTL toDateTime(ts) + toIntervalDay(${days})`;
  const tables = await query(TableTtlSql, { names: [RAW_TABLE, FLOWS_TABLE] });
  for (const t of tables) {
    if (t.engine_full.includes(want)) continue;
    // `days` is a validated integer from the environment (zod: int 1…3650); DDL takes no bound params.
    await command(rawTtlSql(t.name === RAW_TABLE ? RAW_TABLE : FLOWS_TABLE, days));
    log(`${t.name}: TTL ${days} days`);
  }
}

/** This area's start-up task; server/startup.ts lists every task in order. */
export const ingestStartup: StartupTask = {
  name: 'ingestion',
  run: async (log) => {
    await applyRawTtl(log);
    const t = Date.now();
    geoDb();
    log(`IP database loaded in ${Date.now() - t} ms`);
    // what a previous process acknowledged into the landing table goes into telemetry_raw now, not at the first batch
    const w = ingestWriter();
    await w.recoverLanded();
    if (w.spans.movedRows > 0) log(`${w.spans.movedRows} landed reports moved into telemetry_raw`);
  },
};
