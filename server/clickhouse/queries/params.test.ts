import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bind, query } from '../client';
import { isStatement, NoParams, RecentMigrationsSql, ServerVersionSql, statement, type Statement } from './store';

/** The `{name:Type}` placeholders a statement binds, by name (a name may appear more than once). */
export function placeholders(sql: string): Map<string, string> {
  return new Map([...sql.matchAll(/\{([A-Za-z_]\w*):([^{}]+)\}/g)].map((m) => [m[1]!, m[2]!.trim()]));
}

/** The zod type a value of a ClickHouse parameter type arrives as from our code. */
function zodTypeFor(chType: string): string {
  if (/^Array\(/.test(chType)) return 'array';
  if (/^(U?Int\d+|Float\d+)$/.test(chType)) return 'number';
  return 'string'; // String, Date, DateTime('UTC'): text ClickHouse parses
}

/**
 * How a statement's params schema differs from its SQL: placeholders it lacks, keys the SQL never binds,
 * and keys whose zod type cannot carry the placeholder's type.
 */
export function drift(stmt: Statement): { missing: string[]; extra: string[]; mistyped: string[] } {
  const used = placeholders(stmt.sql);
  const shape = stmt.params.shape as Record<string, z.ZodType>;
  const keys = Object.keys(shape).sort();
  return {
    missing: [...used.keys()].filter((p) => !keys.includes(p)).sort(),
    extra: keys.filter((k) => !used.has(k)),
    mistyped: keys
      .filter((k) => used.has(k) && shape[k]!.def.type !== zodTypeFor(used.get(k)!))
      .map((k) => `${k}: ${shape[k]!.def.type} for ${used.get(k)}`),
  };
}

/** Modules whose SQL is all built from a plan (`camelCaseSql(…)` builders, see queries/store.ts). */
const BUILDERS_ONLY = ['audit.ts', 'dashboards.ts'];

async function exportedStatements(): Promise<[string, Statement][]> {
  const dir = import.meta.dirname;
  const modules = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const out: [string, Statement][] = [];
  for (const f of modules.sort()) {
    const mod = (await import(path.join(dir, f))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) if (isStatement(value)) out.push([`${f}:${name}`, value]);
  }
  return out;
}

describe('params schemas beside the SQL', () => {
  it('match the placeholders of every exported statement exactly, in name and type', async () => {
    const statements = await exportedStatements();
    // Every module of queries/ contributes: a module whose statements went missing would pass silently.
    expect(new Set(statements.map(([n]) => n.split(':')[0]))).toEqual(
      new Set(
        fs
          .readdirSync(import.meta.dirname)
          .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !BUILDERS_ONLY.includes(f)),
      ),
    );
    const drifted = statements
      .map(([name, stmt]) => ({ name, ...drift(stmt) }))
      .filter((d) => d.missing.length || d.extra.length || d.mistyped.length);
    expect(drifted).toEqual([]);
  });

  it('names every statement by the scheme: PascalCaseSql with its PascalCaseParams', async () => {
    for (const [name] of await exportedStatements()) expect(name).toMatch(/:[A-Z]\w*Sql$/);
  });

  it('finds a placeholder the schema lacks and a key the SQL never binds', () => {
    const Row = z.object({ n: z.number() });
    const lacking = statement(
      `WITH {lo:DateTime('UTC')} AS lo
SELECT count() AS n FROM t WHERE ts >= lo AND id IN {ids:Array(String)}`,
      z.object({ ids: z.array(z.string()) }),
      Row,
    );
    expect(drift(lacking)).toEqual({ missing: ['lo'], extra: [], mistyped: [] });
    const stale = statement('SELECT count() AS n FROM t', z.object({ limit: z.number() }), Row);
    expect(drift(stale)).toEqual({ missing: [], extra: ['limit'], mistyped: [] });
    const wrong = statement(
      'SELECT count() AS n FROM t WHERE day = {day:Date} LIMIT {limit:UInt32}',
      z.object({ day: z.string(), limit: z.string() }),
      Row,
    );
    expect(drift(wrong)).toEqual({ missing: [], extra: [], mistyped: ['limit: string for UInt32'] });
    const exact = statement(
      'SELECT count() AS n FROM t WHERE a = {a:String} OR b = {a:String} LIMIT {limit:UInt32}',
      z.object({ a: z.string(), limit: z.number() }),
      Row,
    );
    expect(drift(exact)).toEqual({ missing: [], extra: [], mistyped: [] });
    expect(drift(statement('SELECT 1 AS n', NoParams, Row))).toEqual({ missing: [], extra: [], mistyped: [] });
  });
});

describe('query input', () => {
  it('is parsed by the statement params schema, a wrong value named by its parameter', () => {
    expect(bind(RecentMigrationsSql, { limit: 5 })).toEqual({ limit: 5 });
    expect(() => bind(RecentMigrationsSql, { limit: '5' })).toThrow(
      expect.objectContaining({
        name: 'StoreError',
        code: 'query',
        message: expect.stringMatching(/^Bad parameter "limit" for SELECT version, file/),
      }),
    );
    expect(() => bind(RecentMigrationsSql, {})).toThrow(/Bad parameter "limit"/);
  });

  it('is checked by TypeScript at the call site (npx tsc --noEmit holds these lines to their errors)', () => {
    // Never run: the calls only have to type-check (or fail to, where marked).
    const calls = () => [
      query(RecentMigrationsSql, { limit: 5 }),
      // @ts-expect-error a value of the wrong type
      query(RecentMigrationsSql, { limit: '5' }),
      // @ts-expect-error a parameter the SQL does not bind
      query(RecentMigrationsSql, { limit: 5, offset: 0 }),
      // @ts-expect-error a missing input
      query(RecentMigrationsSql),
      query(ServerVersionSql),
    ];
    expect(typeof calls).toBe('function');
  });
});
