import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { createClient } from '@clickhouse/client';
import { command, dataDir, mapError, query, store, storeMode, StoreError } from '../clickhouse/client';
import { migrate } from '../clickhouse/migrate';
import {
  backupDatabaseSql,
  CountStoreTablesSql,
  dropTableSql,
  restoreDatabaseSql,
  StoreTablesSql,
} from '../clickhouse/queries/store';
import { defineCommand } from '../cli/commands';
import { ingestWriter } from '../ingest/writer';
import { observabilityConfig } from '../observability/config';
import { logger } from '../observability/logger';
import { metrics } from '../observability/metrics';
import { refreshSnapshot } from '../rollout/snapshot';
import { setRestoring } from './maintenance';
import { processSlot } from '../core/rate-limit';

/**
 * Backups of the embedded store with ClickHouse's own BACKUP / RESTORE, online: BACKUP reads a
 * snapshot of each table's parts while the server keeps serving and ingesting. chdb allows the File()
 * backup engine only under `backups.allowed_path`, which the store gives the engine when it opens
 * (server/clickhouse/client.ts). Each table is copied consistently on its own; tables written by the
 * same INSERT (raw reports and their rollups) can differ by the inserts that landed while BACKUP ran.
 */

export const BACKUP_NAME = /^swarmdeck-\d{8}T\d{6}(?:\d{3})?Z$/;

export function backupDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ observabilityConfig().SWARMDECK_BACKUP_DIR ?? `${dataDir()}-backups`);
}

export interface BackupInfo {
  name: string;
  createdAt: string;
  bytes: number;
}

/**
 * BACKUP copies every part of every table: on the console's connection it would hold each dashboard
 * query behind it (chdb runs one statement at a time per connection), so it gets a connection of its
 * own on the same data directory, opened after the store (whose first connection gave the engine
 * backups.allowed_path) and closed when it is done.
 */
async function onOwnConnection(sql: string): Promise<void> {
  const main = await store();
  const mod = (await import('chdb/connection')) as typeof import('chdb/connection');
  const client = createClient({
    connection: mod.createChdbConnection({ path: main.dataDir! }) as unknown as NonNullable<
      Parameters<typeof createClient>[0]
    >['connection'],
  });
  try {
    await client.command({ query: sql });
  } catch (err) {
    throw mapError(err);
  } finally {
    await client.close().catch(() => undefined);
  }
}

function requireEmbedded(): void {
  if (storeMode() !== 'embedded') {
    throw new StoreError(
      'unavailable',
      'npm run backup / restore back up the embedded store; with CLICKHOUSE_URL use the server’s own BACKUP … TO Disk(…) or clickhouse-backup.',
    );
  }
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return total;
}

function nameAt(d: Date): string {
  return `swarmdeck-${d.toISOString().replace(/[-:]/g, '').replace('.', '')}`;
}

function createdAtOf(name: string): string {
  const m = /^swarmdeck-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})?Z$/.exec(name)!;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7] ?? '000'}Z`;
}

/** Backups in the backup directory, newest first. */
export function listBackups(): BackupInfo[] {
  const dir = backupDir();
  if (!fs.existsSync(/*turbopackIgnore: true*/ dir)) return [];
  return fs
    .readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && BACKUP_NAME.test(e.name) && fs.existsSync(path.join(dir, e.name, '.backup')))
    .map((e) => ({ name: e.name, createdAt: createdAtOf(e.name), bytes: dirBytes(path.join(dir, e.name)) }))
    .sort((a, b) => b.name.localeCompare(a.name));
}

let running: Promise<unknown> | undefined;
function exclusive<T>(what: string, fn: () => Promise<T>): Promise<T> {
  if (running)
    return Promise.reject(
      new StoreError('unavailable', `Another backup or restore is running; try again when it ends (${what} refused).`),
    );
  const p = fn().finally(() => (running = undefined));
  running = p;
  return p;
}

/** BACKUP DATABASE into a new folder of the backup directory. */
export function createBackup(): Promise<BackupInfo> {
  return exclusive('backup', async () => {
    requireEmbedded();
    const dir = backupDir();
    fs.mkdirSync(dir, { recursive: true });
    const name = nameAt(new Date());
    const started = Date.now();
    try {
      // The folder name is generated here and the directory comes from the environment: no caller's text.
      await onOwnConnection(backupDatabaseSql(path.join(dir, name)));
    } catch (err) {
      metrics().backupFailures.inc();
      logger().error({ err: (err as Error).message }, 'backup failed');
      throw err;
    }
    metrics().backupLastSuccess.set(Date.now() / 1000);
    const info = { name, createdAt: createdAtOf(name), bytes: dirBytes(path.join(dir, name)) };
    logger().info({ backup: name, bytes: info.bytes, ms: Date.now() - started }, 'backup created');
    return info;
  });
}

/** Deletes the oldest backups beyond `keep`. */
export function pruneBackups(keep: number): string[] {
  const removed: string[] = [];
  for (const b of listBackups().slice(keep)) {
    fs.rmSync(path.join(backupDir(), b.name), { recursive: true, force: true });
    removed.push(b.name);
  }
  return removed;
}

async function waitForWriter(maxMs: number): Promise<void> {
  // Requests already handed to the writer finish (and are answered), and what they landed is moved, before
  // the tables go; past `maxMs` the restore goes on regardless, as before.
  await ingestWriter()
    .flushLanded(maxMs)
    .catch(() => {});
  await new Promise((r) => setTimeout(r, 200));
}

/**
 * Replaces every table with the backup's copy. Telemetry answers 503 + Retry-After meanwhile, so no
 * report is acknowledged into a table about to be dropped. Everything written after the backup was
 * taken is lost (README: Backups).
 */
export function restoreBackup(name: string): Promise<{ name: string; tables: number }> {
  return exclusive('restore', async () => {
    requireEmbedded();
    if (!BACKUP_NAME.test(name))
      throw new StoreError(
        'query',
        `"${name}" is not a backup name (swarmdeck-YYYYMMDDTHHMMSSZ); npm run backup -- --list shows them.`,
      );
    const where = path.join(backupDir(), name);
    if (!fs.existsSync(path.join(where, '.backup')))
      throw new StoreError('query', `No backup ${name} in ${backupDir()}.`);
    setRestoring(true);
    metrics().restoring.set(1);
    const log = logger();
    log.warn({ backup: name }, 'restore started: telemetry answers 503 until it ends');
    try {
      await waitForWriter(30_000);
      const tables = await query(StoreTablesSql);
      // Views first, so no view is left pointing at a dropped table while the rest go.
      for (const t of [...tables].sort((a, b) => b.is_view - a.is_view)) await command(dropTableSql(t.name));
      await command(restoreDatabaseSql(where));
      // A backup from before a later migration gets it now.
      await migrate(undefined, (l) => log.info(`[restore] ${l}`));
      ingestWriter().forgetCache();
      await refreshSnapshot().catch(() => undefined);
      const [n] = await query(CountStoreTablesSql);
      log.warn({ backup: name, tables: n?.n ?? 0 }, 'restore finished');
      return { name, tables: n?.n ?? 0 };
    } finally {
      setRestoring(false);
      metrics().restoring.set(0);
    }
  });
}

const g = processSlot<ReturnType<typeof setInterval>>('store.backup-schedule');

/** SWARMDECK_BACKUP_EVERY_HOURS > 0: a backup every N hours, keeping SWARMDECK_BACKUP_KEEP. */
export function startBackupSchedule(): void {
  const cfg = observabilityConfig();
  if (storeMode() !== 'embedded') return;
  // The last-backup gauge survives restarts: it starts at the newest backup on disk.
  const newest = listBackups()[0];
  if (newest) metrics().backupLastSuccess.set(Date.parse(newest.createdAt) / 1000);
  if (cfg.SWARMDECK_BACKUP_EVERY_HOURS <= 0 || g.value) return;
  const log = logger();
  g.value = setInterval(() => {
    createBackup()
      .then((b) => {
        const removed = pruneBackups(cfg.SWARMDECK_BACKUP_KEEP);
        log.info({ backup: b.name, pruned: removed.length }, 'scheduled backup done');
      })
      .catch((err) => log.error({ err: (err as Error).message }, 'scheduled backup failed'));
  }, cfg.SWARMDECK_BACKUP_EVERY_HOURS * 3_600_000);
  g.value.unref();
  log.info(
    `scheduled backups every ${cfg.SWARMDECK_BACKUP_EVERY_HOURS} h into ${backupDir()}, keeping ${cfg.SWARMDECK_BACKUP_KEEP}`,
  );
}

export function stopBackupSchedule(): void {
  if (g.value) clearInterval(g.value);
  g.value = undefined;
}

const flag = z.union([z.literal(true), z.enum(['true', '1'])]).optional();

export const backupCommand = defineCommand({
  description:
    'back up the embedded store (online) into SWARMDECK_BACKUP_DIR; --list shows the backups, --keep N deletes older ones',
  args: z.object({ list: flag, keep: z.coerce.number().int().min(1).optional() }).loose(),
  async run(args) {
    if (args.list) {
      const all = listBackups();
      return all.length
        ? all.map((b) => `${b.name}  ${b.createdAt}  ${(b.bytes / 1048576).toFixed(1)} MiB`)
        : [`no backups in ${backupDir()}`];
    }
    const b = await createBackup();
    const lines = [`backup ${b.name} created in ${backupDir()} (${(b.bytes / 1048576).toFixed(1)} MiB)`];
    if (args.keep) for (const r of pruneBackups(args.keep)) lines.push(`deleted the older backup ${r}`);
    return lines;
  },
});

export const restoreCommand = defineCommand({
  description: 'replace every table with a backup: --name swarmdeck-… (or --latest); data written after it is lost',
  args: z.object({ name: z.string().optional(), latest: flag }).loose(),
  async run(args) {
    const name = args.name ?? (args.latest ? listBackups()[0]?.name : undefined);
    if (!name)
      throw new StoreError(
        'query',
        'Name the backup: --name swarmdeck-… or --latest (npm run backup -- --list shows them).',
      );
    const r = await restoreBackup(name);
    return [
      `restored ${r.name}: ${r.tables} tables and views`,
      'everything written after this backup was taken is gone',
    ];
  },
});
