import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../../..');
/**
 * Where application code lives. tests/ and scripts/ keep their own SQL (fixtures, benchmarks), and test
 * files anywhere may read the store directly.
 */
const SCANNED = ['app', 'components', 'lib', 'server', 'sim'];
/** The door itself (connection probe and session settings) may speak SQL; so may the query modules. */
const HOME = 'server/clickhouse/queries/';
const ALLOWED = new Set(['server/clickhouse/client.ts']);

/**
 * The start of an SQL statement inside a string or template literal: at its start, on a line of its own
 * or after an opening parenthesis (a subquery), or a `WITH …` that leads to a SELECT. Upper case, as every
 * statement here is written, so prose such as "select a row" or "SELECTED" is left alone.
 */
const STATEMENT = new RegExp(
  String.raw`(?:^|\n|\()[ \t]*(?:` +
    [
      String.raw`SELECT\s`,
      String.raw`WITH\s[\s\S]*?\bSELECT\s`,
      String.raw`INSERT\s+INTO\s`,
      String.raw`ALTER\s+TABLE\s`,
      String.raw`(?:CREATE|DROP)\s+(?:(?:OR\s+REPLACE|TEMPORARY)\s+)?(?:TABLE|VIEW|MATERIALIZED|DATABASE|DICTIONARY)\s`,
      String.raw`RENAME\s+TABLE\s`,
      String.raw`DELETE\s+FROM\s`,
      String.raw`(?:BACKUP|RESTORE)\s+(?:DATABASE|TABLE)\s`,
      String.raw`OPTIMIZE\s+TABLE\s`,
      String.raw`TRUNCATE\s`,
      String.raw`SYSTEM\s+[A-Z]`,
      String.raw`KILL\s+QUERY\s`,
    ].join('|') +
    ')',
);

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name.startsWith('.') ? [] : files(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/**
 * Every string and template literal of a file: its text (a template's substitutions as `${…}`), where it
 * starts and how many lines it spans in the source (an escaped `\n` is not a new line there).
 */
function literals(file: string, source: string): { text: string; pos: number; lines: number }[] {
  const sf = ts.createSourceFile(
    file,
    source,
    ts.ScriptTarget.Latest,
    false,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const out: { text: string; pos: number; lines: number }[] = [];
  const push = (n: ts.Node, text: string) =>
    out.push({ text, pos: n.getStart(sf), lines: n.getText(sf).split('\n').length - 1 });
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) {
      push(n, n.text);
    } else if (ts.isTemplateExpression(n)) {
      push(n, n.head.text + n.templateSpans.map((s) => `\${…}${s.literal.text}`).join(''));
      for (const s of n.templateSpans) visit(s.expression);
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** `<path>:<line>: <source line>` for each statement written outside its home, under `root`. */
export function sqlOutsideItsHome(root = REPO, dirs = SCANNED): string[] {
  const out: string[] = [];
  for (const f of dirs.flatMap((d) => files(path.join(root, d)))) {
    const rel = path.relative(root, f).split(path.sep).join('/');
    if (rel.startsWith(HOME) || ALLOWED.has(rel)) continue;
    const source = fs.readFileSync(f, 'utf8');
    const lines = source.split('\n');
    for (const lit of literals(f, source)) {
      const m = STATEMENT.exec(lit.text);
      if (!m) continue;
      const at = m.index + m[0].search(/[A-Z]/);
      const offset = Math.min(lit.text.slice(0, at).split('\n').length - 1, lit.lines);
      const line = source.slice(0, lit.pos).split('\n').length + offset;
      out.push(`${rel}:${line}: ${lines[line - 1]!.trim().slice(0, 100)}`);
    }
  }
  return out;
}

describe('one door to ClickHouse', () => {
  it('keeps every SQL statement under server/clickhouse/queries/', () => {
    expect(sqlOutsideItsHome()).toEqual([]);
  });

  it('would name a statement written anywhere else, on one line or many', () => {
    const dir = fs.mkdtempSync(path.join(REPO, '.scratch-sql-'));
    const write = (name: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    };
    try {
      write('server/audit/log.ts', 'const q = `SELECT count() FROM audit_log`;\n');
      write('server/audit/multi.ts', 'const q = `\n  SELECT count()\n  FROM audit_log`;\n');
      write(
        'server/audit/with.ts',
        "const q = `WITH 5 AS n\n  SELECT n`;\nconst r = 'WITH x AS (SELECT 1) SELECT * FROM x';\n",
      );
      write(
        'server/audit/after.ts',
        'const q = `${cols}\nSELECT ${cols} FROM audit_log`;\nconst s = "-- head\\nSELECT 1";\n',
      );
      write('server/audit/sub.ts', 'const q = `id IN (SELECT id FROM audit_log)`;\n');
      write('server/ingest/insert.ts', 'const q = `\nINSERT INTO telemetry_raw\nSELECT * FROM numbers(1)`;\n');
      write(
        'server/ingest/alter.ts',
        'const q = `\n    ALTER TABLE telemetry_raw\n    MODIFY TTL ts + INTERVAL 7 DAY`;\n',
      );
      write('server/ingest/optimize.ts', "const q = 'OPTIMIZE TABLE telemetry_raw FINAL';\n");
      write('server/ingest/system.ts', 'const q = `\nSYSTEM FLUSH LOGS`;\n');
      write('app/page.tsx', 'export const q = <p>{`SELECT 1`}</p>;\n');
      write('server/clickhouse/queries/fine.ts', 'export const q = `\nSELECT 1`;\n');
      write('server/clickhouse/queries/fine.test.ts', 'const q = `SELECT 1`;\n');
      write('tests/integration/fine.ts', 'const q = `SELECT 1`;\n');
      write('scripts/fine.ts', 'const q = `SELECT 1`;\n');
      write(
        'server/audit/ok.ts',
        "// SELECT count() FROM audit_log\n// selects the newest row\nconst s = 'SELECTED';\nconst t = `select a row`;\nconst u = 'WITH care';\n",
      );
      expect(sqlOutsideItsHome(dir).sort()).toEqual(
        [
          'app/page.tsx:1: export const q = <p>{`SELECT 1`}</p>;',
          'server/audit/after.ts:2: SELECT ${cols} FROM audit_log`;',
          'server/audit/after.ts:3: const s = "-- head\\nSELECT 1";',
          'server/audit/log.ts:1: const q = `SELECT count() FROM audit_log`;',
          'server/audit/multi.ts:2: SELECT count()',
          'server/audit/sub.ts:1: const q = `id IN (SELECT id FROM audit_log)`;',
          'server/audit/with.ts:1: const q = `WITH 5 AS n',
          "server/audit/with.ts:3: const r = 'WITH x AS (SELECT 1) SELECT * FROM x';",
          'server/ingest/alter.ts:2: ALTER TABLE telemetry_raw',
          'server/ingest/insert.ts:2: INSERT INTO telemetry_raw',
          "server/ingest/optimize.ts:1: const q = 'OPTIMIZE TABLE telemetry_raw FINAL';",
          'server/ingest/system.ts:2: SYSTEM FLUSH LOGS`;',
        ].sort(),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
