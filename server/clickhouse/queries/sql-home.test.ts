import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SERVER = path.resolve(import.meta.dirname, '../..');
/** The door itself (connection, settings, migrations runner) may speak SQL; so may the query modules. */
const ALLOWED = new Set(['clickhouse/client.ts', 'clickhouse/migrate.ts']);
/** SQL statement text inside a string or template literal. */
const STATEMENT =
  /[`'"]\s*(SELECT\s|INSERT\s+INTO\s|ALTER\s+TABLE\s|CREATE\s+(TABLE|VIEW|MATERIALIZED)\s|DROP\s+TABLE\s|BACKUP\s+DATABASE\s|RESTORE\s+DATABASE\s|OPTIMIZE\s+TABLE\s|TRUNCATE\s|SYSTEM\s+[A-Z])/;

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

export function sqlOutsideItsHome(root = SERVER): string[] {
  const out: string[] = [];
  for (const f of files(root)) {
    const rel = path.relative(root, f).split(path.sep).join('/');
    if (rel.startsWith('clickhouse/queries/') || ALLOWED.has(rel)) continue;
    fs.readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (STATEMENT.test(line)) out.push(`server/${rel}:${i + 1}: ${line.trim().slice(0, 100)}`);
      });
  }
  return out;
}

describe('one door to ClickHouse', () => {
  it('keeps every SQL statement under server/clickhouse/queries/', () => {
    expect(sqlOutsideItsHome()).toEqual([]);
  });

  it('would name a statement written anywhere else', () => {
    const dir = fs.mkdtempSync(path.join(SERVER, '..', '.scratch-sql-'));
    try {
      fs.mkdirSync(path.join(dir, 'audit'));
      fs.writeFileSync(path.join(dir, 'audit', 'log.ts'), 'const q = `SELECT count() FROM audit_log`;\n');
      fs.writeFileSync(path.join(dir, 'audit', 'ok.ts'), "// selects the newest row\nconst s = 'SELECTED';\n");
      expect(sqlOutsideItsHome(dir)).toEqual(['server/audit/log.ts:1: const q = `SELECT count() FROM audit_log`;']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
