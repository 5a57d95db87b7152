import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { command, query } from '@/server/clickhouse/client';
import {
  appliedMigrations,
  migrate,
  migrationStatus,
  readMigrations,
  splitStatements,
} from '@/server/clickhouse/migrate';
import { withFreshStore } from '../helpers/store';

withFreshStore();

function tempMigrations(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-mig-'));
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

describe('migrations on the embedded store', () => {
  it('applied every project migration at setup, in order, with checksums', async () => {
    const files = readMigrations();
    const applied = await appliedMigrations();
    expect(applied.map((a) => a.file)).toEqual(files.map((f) => f.file));
    expect(applied.map((a) => a.checksum)).toEqual(files.map((f) => f.checksum));
    expect((await migrationStatus()).pending).toBe(0);
  });

  it('re-running is a no-op', async () => {
    const before = await appliedMigrations();
    const { applied } = await migrate();
    expect(applied).toEqual([]);
    expect(await appliedMigrations()).toEqual(before);
  });

  it('created the raw telemetry table', async () => {
    const cols = await query(
      "SELECT name FROM system.columns WHERE database = currentDatabase() AND table = 'telemetry_raw'",
      {},
      z.object({ name: z.string() }),
    );
    expect(cols.map((c) => c.name)).toEqual(
      expect.arrayContaining(['report_id', 'ts', 'bytes_cdn', 'bytes_p2p_down', 'asn']),
    );
  });

  it('applies new files in number order and refuses an applied file that was edited, naming it', async () => {
    const dir = tempMigrations({
      '9001_first.sql': 'CREATE TABLE IF NOT EXISTS mig_probe (a UInt8) ENGINE = MergeTree ORDER BY a;\n',
      '9002_second.sql': '-- seeds a row\nINSERT INTO mig_probe VALUES (7);\n',
    });
    const log: string[] = [];
    const { applied } = await migrate(dir, (l) => log.push(l));
    expect(applied).toEqual(['9001_first.sql', '9002_second.sql']);
    const rows = await query('SELECT a FROM mig_probe', {}, z.object({ a: z.number() }));
    expect(rows).toEqual([{ a: 7 }]);

    fs.writeFileSync(path.join(dir, '9002_second.sql'), 'INSERT INTO mig_probe VALUES (8);\n');
    await expect(migrate(dir)).rejects.toThrow(/9002_second\.sql was edited after it was applied/);
    const after = await query('SELECT a FROM mig_probe ORDER BY a', {}, z.object({ a: z.number() }));
    expect(after).toEqual([{ a: 7 }]);
    await command('DROP TABLE mig_probe');
  });

  it('rejects badly named and clashing files with a message', () => {
    expect(() => readMigrations(tempMigrations({ 'create.sql': 'SELECT 1;' }))).toThrow(
      /create\.sql is not named NNNN_<what>\.sql/,
    );
    expect(() => readMigrations(tempMigrations({ '0005_a.sql': 'SELECT 1;', '0005_b.sql': 'SELECT 1;' }))).toThrow(
      /share the number 0005/,
    );
  });

  it('splits statements at line-ending semicolons and drops comment lines', () => {
    expect(splitStatements("-- c\nSELECT 1;\nSELECT ';'\n  ;\nSELECT 3")).toEqual([
      'SELECT 1',
      "SELECT ';'",
      'SELECT 3',
    ]);
  });
});

describe('the one door to ClickHouse', () => {
  it('binds values as parameters, so quotes and SQL in values stay values', async () => {
    const evil = "x'); DROP TABLE telemetry_raw; --";
    const [row] = await query(
      'SELECT {s:String} AS s, {n:UInt64} AS n',
      { s: evil, n: '18446744073709551615' },
      z.object({ s: z.string(), n: z.string() }),
    );
    expect(row).toEqual({ s: evil, n: '18446744073709551615' });
    const tables = await query(
      "SELECT name FROM system.tables WHERE database = currentDatabase() AND name = 'telemetry_raw'",
      {},
      z.object({ name: z.string() }),
    );
    expect(tables).toHaveLength(1);
  });

  it('answers a bad query with a clear error', async () => {
    await expect(query('SELECT no_such_column FROM telemetry_raw', {}, z.object({}))).rejects.toThrow(
      /ClickHouse error: .*no_such_column/,
    );
  });

  it('says a row shape is unexpected instead of passing it on', async () => {
    await expect(query('SELECT 1 AS n', {}, z.object({ n: z.string() }))).rejects.toThrow(/Unexpected row shape/);
  });
});
