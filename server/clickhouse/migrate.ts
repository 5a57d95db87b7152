import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { command, insert, query } from './client';
import { AppliedMigrationsSql, CreateMigrationsTableSql, type AppliedMigrationRow } from './queries/store';

/** Migration files: `migrations/NNNN_<what>.sql`, applied in order, recorded with a checksum. */
export const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface MigrationFile {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

export function migrationsDir(): string {
  return path.resolve(process.env.SWARMDECK_MIGRATIONS_DIR ?? path.join(process.cwd(), 'migrations'));
}

export function readMigrations(dir = migrationsDir()): MigrationFile[] {
  const files = fs
    .readdirSync(/*turbopackIgnore: true*/ dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const out: MigrationFile[] = [];
  const seen = new Map<number, string>();
  for (const file of files) {
    const m = MIGRATION_FILE.exec(file);
    if (!m) throw new Error(`Migration file ${file} is not named NNNN_<what>.sql (lower-case, digits, underscores)`);
    const version = Number(m[1]);
    const clash = seen.get(version);
    if (clash) throw new Error(`Migrations ${clash} and ${file} share the number ${m[1]}`);
    seen.set(version, file);
    const sql = fs.readFileSync(/*turbopackIgnore: true*/ path.join(dir, file), 'utf8');
    out.push({ version, name: m[2]!, file, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') });
  }
  return out;
}

/** Split a migration into statements: `;` at the end of a line ends one; `--` comment lines are dropped. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  for (const line of sql.split('\n')) {
    if (/^\s*--/.test(line)) continue;
    current.push(line);
    if (/;\s*$/.test(line)) {
      const stmt = current.join('\n').trim().replace(/;\s*$/, '').trim();
      if (stmt) statements.push(stmt);
      current = [];
    }
  }
  const rest = current.join('\n').trim();
  if (rest) statements.push(rest);
  return statements;
}

async function ensureTable(): Promise<void> {
  await command(CreateMigrationsTableSql);
}

export async function appliedMigrations(): Promise<AppliedMigrationRow[]> {
  await ensureTable();
  return query(AppliedMigrationsSql);
}

export interface MigrationStatus {
  applied: number;
  pending: number;
  pendingFiles: string[];
}

export async function migrationStatus(dir = migrationsDir()): Promise<MigrationStatus> {
  const files = readMigrations(dir);
  const applied = await appliedMigrations();
  const done = new Set(applied.map((a) => a.version));
  const pendingFiles = files.filter((f) => !done.has(f.version)).map((f) => f.file);
  return { applied: applied.length, pending: pendingFiles.length, pendingFiles };
}

export class MigrationError extends Error {}

/**
 * Apply every pending migration in order. An applied file whose text changed is refused by name:
 * history is immutable, a fix is a new migration.
 */
export async function migrate(
  dir = migrationsDir(),
  log: (line: string) => void = () => {},
): Promise<{ applied: string[] }> {
  const files = readMigrations(dir);
  const applied = new Map((await appliedMigrations()).map((a) => [a.version, a]));
  for (const f of files) {
    const a = applied.get(f.version);
    if (a && a.checksum !== f.checksum) {
      throw new MigrationError(
        `Migration ${f.file} was edited after it was applied (checksum ${a.checksum.slice(0, 12)}… recorded, ${f.checksum.slice(0, 12)}… on disk). ` +
          'Restore the file and put the change in a new migration.',
      );
    }
  }
  const done: string[] = [];
  for (const f of files) {
    if (applied.has(f.version)) continue;
    for (const stmt of splitStatements(f.sql)) {
      try {
        await command(stmt);
      } catch (err) {
        throw new MigrationError(`Migration ${f.file} failed: ${(err as Error).message}`, { cause: err });
      }
    }
    await insert('schema_migrations', [{ version: f.version, file: f.file, checksum: f.checksum }]);
    done.push(f.file);
    log(`applied ${f.file}`);
  }
  return { applied: done };
}
