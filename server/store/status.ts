import fs from 'node:fs';
import path from 'node:path';
import { query, serverVersion, storeMode } from '../clickhouse/client';
import { migrationStatus } from '../clickhouse/migrate';
import {
  IngestPerMinuteSql,
  LastReceivedRawSql,
  LastReceivedRecentSql,
  RecentMigrationsSql,
  TableStatsSql,
} from '../clickhouse/queries/store';
import { ingestWriter } from '../ingest/writer';
import { observabilityConfig } from '../observability/config';
import { metrics } from '../observability/metrics';
import { backupDir, listBackups } from './backup';

export async function storeStatus() {
  const [version, migrations, tables] = await Promise.all([serverVersion(), migrationStatus(), query(TableStatsSql)]);
  return {
    mode: storeMode(),
    version,
    migrations: { applied: migrations.applied, pending: migrations.pending },
    tables,
  };
}
export type StoreStatus = Awaited<ReturnType<typeof storeStatus>>;

interface HistogramValue {
  value: number;
  labels: Partial<Record<string, string | number>>;
  metricName?: string;
}

/** Count, mean and an upper bound of the 95th percentile (its bucket's edge) of a histogram since start. */
async function summarize(h: {
  get(): Promise<{ values: HistogramValue[] }> | { values: HistogramValue[] };
}): Promise<{ count: number; meanMs: number | null; p95Ms: number | null }> {
  const { values } = await h.get();
  let count = 0;
  let sum = 0;
  const buckets = new Map<number, number>();
  for (const v of values) {
    if (v.metricName?.endsWith('_count')) count += v.value;
    else if (v.metricName?.endsWith('_sum')) sum += v.value;
    else if (v.metricName?.endsWith('_bucket')) {
      const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + v.value);
    }
  }
  if (count === 0) return { count, meanMs: null, p95Ms: null };
  const edge = [...buckets.entries()].sort((a, b) => a[0] - b[0]).find(([, c]) => c >= 0.95 * count)?.[0] ?? Infinity;
  return { count, meanMs: (sum / count) * 1000, p95Ms: Number.isFinite(edge) ? edge * 1000 : null };
}

let version: string | undefined;
function appVersion(): string {
  if (version) return version;
  try {
    version =
      (JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as { version?: string }).version ??
      'unknown';
  } catch {
    version = 'unknown';
  }
  return version;
}

/** Everything the System page shows (admins only). */
export async function systemStatus(now = Date.now()) {
  const probeStart = performance.now();
  const engine = await serverVersion();
  const probeMs = performance.now() - probeStart;
  const [perMinute, recent, migrations, latest, tables] = await Promise.all([
    query(IngestPerMinuteSql),
    query(LastReceivedRecentSql),
    migrationStatus(),
    query(RecentMigrationsSql, { limit: 5 }),
    query(TableStatsSql),
  ]);
  const last = recent[0]?.n ? recent[0] : (await query(LastReceivedRawSql))[0];

  // Sixty minutes, oldest first, zeros where nothing arrived; the current minute is still filling.
  const thisMinute = Math.floor(now / 60_000) * 60;
  const byMinute = new Map(perMinute.map((r) => [r.minute, r.reports]));
  const minutes = Array.from({ length: 60 }, (_, i) => {
    const minute = thisMinute - (59 - i) * 60;
    return { minute: minute * 1000, reports: byMinute.get(minute) ?? 0 };
  });
  const lastFull = minutes[58]!.reports;
  const hourTotal = minutes.reduce((s, m) => s + m.reports, 0);

  const m = metrics();
  const [procedures, inserts] = await Promise.all([summarize(m.storeQuerySeconds), summarize(m.writerInsertSeconds)]);
  const writer = ingestWriter();
  const cfg = observabilityConfig();
  const backups = storeMode() === 'embedded' ? listBackups() : [];

  return {
    /** When the server answered: "N s ago" is reckoned from it, the same in the server's render and the browser's. */
    generatedAt: now,
    ingestion: {
      /** reports/s over the last complete minute */
      ratePerSec: lastFull / 60,
      /** reports/s averaged over the last hour */
      hourRatePerSec: hourTotal / 3600,
      hourTotal,
      minutes,
      lastReportAt: last && last.n > 0 ? last.at : null,
    },
    writer: { queueRows: writer.pendingRows, batches: writer.commits, insert: inserts },
    store: { mode: storeMode(), engine, probeMs, procedures },
    tables,
    migrations: {
      applied: migrations.applied,
      pending: migrations.pending,
      pendingFiles: migrations.pendingFiles,
      latest,
    },
    process: {
      version: appVersion(),
      node: process.version,
      uptimeSec: Math.round(process.uptime()),
      rssBytes: process.memoryUsage().rss,
    },
    backups: {
      dir: storeMode() === 'embedded' ? backupDir() : null,
      everyHours: cfg.SWARMDECK_BACKUP_EVERY_HOURS,
      keep: cfg.SWARMDECK_BACKUP_KEEP,
      list: backups.slice(0, 20),
      count: backups.length,
    },
  };
}
export type SystemStatus = Awaited<ReturnType<typeof systemStatus>>;
