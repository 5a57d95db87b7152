import path from 'node:path';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { z } from 'zod';
import { env } from '../env';
import { processSlot } from '../core/rate-limit';
import { ServerVersionSql, type Statement } from './queries/store';

/**
 * The one door to ClickHouse. Embedded (chdb, in-process, on SWARMDECK_DATA_DIR) unless CLICKHOUSE_URL
 * points at a server. Values only ever travel as bound `{name:Type}` parameters.
 */

export type StoreMode = 'embedded' | 'server';

export class StoreError extends Error {
  readonly code: 'locked' | 'unavailable' | 'timeout' | 'query' | 'parse';
  constructor(code: StoreError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

interface Store {
  mode: StoreMode;
  client: ClickHouseClient;
  dataDir?: string;
  /** extra connections opened by openLane(), closed with the store */
  lanes?: StoreLane[];
}

// Settings live on the connection, never per query. A server gets them with each request. chdb's
// connection would prefix every statement with a `SET …` per setting (0.35 ms a query here) that persists
// on its one session anyway, so the embedded session is given them once, when it opens.
const SETTINGS: ClickHouseSettings = {
  output_format_json_quote_64bit_integers: 1,
  date_time_input_format: 'best_effort',
};

const holder = processSlot<Store>('clickhouse');

export function dataDir(): string {
  return path.resolve(env().SWARMDECK_DATA_DIR);
}

export function storeMode(): StoreMode {
  return env().CLICKHOUSE_URL ? 'server' : 'embedded';
}

/** Where BACKUP may write (server/store/backup.ts); the engine learns it when the process's first connection opens. */
export function backupsAllowedPath(): string {
  return path.resolve(process.env.SWARMDECK_BACKUP_DIR || `${dataDir()}-backups`);
}

async function loadChdbConnection(dir: string) {
  // Loaded at run time only in embedded mode so a server deployment never maps libchdb.
  const mod = (await import('chdb/connection')) as typeof import('chdb/connection');
  // Server configuration such as backups.allowed_path reaches the engine only as an argument of the
  // process's first connection (chdb-node 3.4: Session's connectionArgs; createChdbConnection takes
  // none). A short-lived Session opens the engine with it; later connections to the same directory share it.
  const { Session } = (await import('chdb')) as unknown as {
    Session: new (p: string, o: { connectionArgs: string[] }) => { close(): void };
  };
  const anchor = new Session(dir, { connectionArgs: [`--backups.allowed_path=${backupsAllowedPath()}`] });
  try {
    return mod.createChdbConnection({ path: dir });
  } finally {
    anchor.close();
  }
}

type ChdbConnection = Awaited<ReturnType<typeof loadChdbConnection>>;
// chdb's Connection type comes from its own copy of @clickhouse/client-common; at run time it fits.
type ChdbAsClientConnection = Parameters<typeof createClient>[0] extends infer O
  ? O extends { connection?: infer C }
    ? C
    : never
  : never;

async function applySessionSettings(connection: ChdbConnection): Promise<void> {
  for (const [name, value] of Object.entries(SETTINGS)) {
    await connection.chdb.queryAsync(`SET ${name} = ${typeof value === 'string' ? `'${value}'` : String(value)}`);
  }
}

let opening: Promise<Store> | undefined;

/** The process's store, created lazily on first use and shared by every module copy in the process. */
export async function store(): Promise<Store> {
  const existing = holder.value;
  if (existing) return existing;
  opening ??= openStore().then(
    (s) => {
      holder.value = s;
      return s;
    },
    (e) => {
      opening = undefined;
      throw e;
    },
  );
  return opening;
}

async function openStore(): Promise<Store> {
  const e = env();
  if (e.CLICKHOUSE_URL) {
    const client = createClient({
      url: e.CLICKHOUSE_URL,
      username: e.CLICKHOUSE_USER,
      password: e.CLICKHOUSE_PASSWORD,
      database: e.CLICKHOUSE_DATABASE,
      request_timeout: e.CLICKHOUSE_QUERY_TIMEOUT_MS,
      clickhouse_settings: { ...SETTINGS, max_execution_time: Math.ceil(e.CLICKHOUSE_QUERY_TIMEOUT_MS / 1000) },
      application: 'swarmdeck',
    });
    return { mode: 'server', client };
  }
  const dir = dataDir();
  fs.mkdirSync(dir, { recursive: true });
  let connection: Awaited<ReturnType<typeof loadChdbConnection>>;
  try {
    connection = await loadChdbConnection(dir);
  } catch (err) {
    throw mapError(err);
  }
  try {
    await applySessionSettings(connection);
  } catch (err) {
    await connection.close().catch(() => {});
    throw mapError(err);
  }
  const client = createClient({
    // chdb's Connection type comes from its own copy of @clickhouse/client-common; at run time it fits.
    connection: connection as unknown as Parameters<typeof createClient>[0] extends infer O
      ? O extends { connection?: infer C }
        ? C
        : never
      : never,
  });
  // Probe once so a held lock surfaces here, with a clear message, rather than on a user's first query.
  try {
    await client.query({ query: 'SELECT 1', format: 'JSONEachRow' }).then((r) => r.json());
  } catch (err) {
    await client.close().catch(() => {});
    throw mapError(err);
  }
  return { mode: 'embedded', client, dataDir: dir };
}

/** Close the store (tests, CLI tools, shutdown). */
export async function closeStore(): Promise<void> {
  const s = holder.value;
  holder.value = undefined;
  opening = undefined;
  if (!s) return;
  await Promise.all((s.lanes ?? []).map((l) => l.close()));
  await s.client.close();
}

/** Formats a lane inserts as raw bytes (text formats the engine parses itself, both chdb and a server). */
export type RawInsertFormat = 'JSONCompactEachRow' | 'TabSeparated';

/**
 * A second door on the same store for a caller that must not queue behind console queries (the
 * ingestion writer). Embedded chdb runs one statement at a time per connection, so an INSERT on the
 * shared connection would hold every dashboard query behind it; a lane is its own chdb connection on the
 * same data directory (same process, same lock), with the same session settings, closed by closeStore().
 * Against a server a lane is the shared client (the server runs statements concurrently).
 */
export interface StoreLane {
  query<P extends z.ZodObject, R extends z.ZodType>(stmt: Statement<P, R>, input: z.input<P>): Promise<z.infer<R>[]>;
  /**
   * Insert pre-serialized rows: the bytes go to the engine's own parser as they are (chdb's zero-copy
   * raw insert), never into an SQL string. No early timeout: a caller told "failed" while the rows still
   * commit would break exactly-once bookkeeping, so a slow insert is waited for.
   */
  insertRaw(
    table: string,
    columns: readonly string[],
    format: RawInsertFormat,
    data: Buffer,
    settings?: Record<string, number>,
  ): Promise<void>;
  /** A statement without bound parameters that returns nothing (INSERT … SELECT, ALTER) on this lane. */
  command(sql: string): Promise<void>;
  close(): Promise<void>;
}

export async function openLane(): Promise<StoreLane> {
  const s = await store();
  if (s.mode === 'server') {
    return {
      query: (stmt, input) => query(stmt.sql, bind(stmt, input), stmt.row),
      insertRaw: async (table, columns, format, data, settings) => {
        try {
          await s.client.insert({
            table,
            columns: [...columns] as [string, ...string[]],
            format,
            values: Readable.from([data]),
            clickhouse_settings: settings,
          });
        } catch (err) {
          throw mapError(err);
        }
      },
      command: (sql) => command(sql),
      close: async () => {},
    };
  }
  let connection: Awaited<ReturnType<typeof loadChdbConnection>>;
  try {
    connection = await loadChdbConnection(s.dataDir!);
    await applySessionSettings(connection);
  } catch (err) {
    throw mapError(err);
  }
  const client = createClient({ connection: connection as unknown as ChdbAsClientConnection });
  const lane: StoreLane = {
    query: async (stmt, input) => {
      const params = bind(stmt, input);
      let raw: unknown[];
      const signal = timeoutSignal();
      try {
        raw = await (
          await client.query({ query: stmt.sql, query_params: params, format: 'JSONEachRow', abort_signal: signal })
        ).json();
      } catch (err) {
        throw mapError(err, signal);
      }
      return parseRows(stmt.row, raw);
    },
    insertRaw: async (table, columns, format, data, settings) => {
      if (data.length === 0) return;
      try {
        await connection.chdb.rawInsert({ table, columns, format, values: data, settings });
      } catch (err) {
        throw mapError(err);
      }
    },
    command: async (sql) => {
      // no timeout, as for insertRaw: a move reported failed while it still commits would be retried beside it
      try {
        await client.command({ query: sql });
      } catch (err) {
        throw mapError(err);
      }
    },
    close: async () => {
      s.lanes = (s.lanes ?? []).filter((l) => l !== lane);
      await client.close().catch(() => {});
    },
  };
  (s.lanes ??= []).push(lane);
  return lane;
}

export function isLockError(err: unknown): boolean {
  const msg = err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : String(err);
  // chdb prints the engine's "Code: 76 … Cannot lock file" to stderr and throws only this:
  if (/Failed to create connection for path/.test(msg)) return true;
  return /Code: 76\b/.test(msg) && /lock/i.test(msg);
}

/**
 * A store failure as a StoreError. `signal` is the query's own time limit: when it fired, the failure is
 * a timeout whatever words the client chose for the abort ("Query aborted", "The user aborted a request").
 */
export function mapError(err: unknown, signal?: AbortSignal): StoreError {
  if (err instanceof StoreError) return err;
  if (signal?.aborted) {
    return new StoreError(
      'timeout',
      `ClickHouse query timed out: no answer within ${env().CLICKHOUSE_QUERY_TIMEOUT_MS} ms (CLICKHOUSE_QUERY_TIMEOUT_MS)`,
      { cause: err },
    );
  }
  const msg = err instanceof Error ? err.message : String(err);
  if (isLockError(err)) {
    return new StoreError(
      'locked',
      `The embedded store at ${dataDir()} is held by another process (ClickHouse error 76: its lock is taken). ` +
        'Only one process may open it: stop the other server, use another SWARMDECK_DATA_DIR, or run the command while the server is up so it goes through the server.',
      { cause: err },
    );
  }
  if (/timeout|TIMEOUT_EXCEEDED|Code: 159\b/i.test(msg)) {
    return new StoreError('timeout', `ClickHouse query timed out: ${firstLine(msg)}`, { cause: err });
  }
  if (/ECONNREFUSED|ENOTFOUND|ECONNRESET|socket hang up/i.test(msg)) {
    return new StoreError('unavailable', `ClickHouse is unreachable: ${firstLine(msg)}`, { cause: err });
  }
  return new StoreError('query', `ClickHouse error: ${firstLine(msg)}`, { cause: err });
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? s;
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

type Params = Record<string, unknown>;

/** A statement's input: optional when it takes no parameters. */
export type Input<P extends z.ZodObject> =
  z.input<P> extends Record<string, never> ? [input?: z.input<P>] : [input: z.input<P>];

/**
 * A statement's input parsed by its params schema. A failure is a programming error (the call site
 * passed what the SQL does not take), reported with the parameter it concerns.
 */
export function bind(stmt: Statement, input: unknown): Params {
  const parsed = stmt.params.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = issue?.path.length ? issue.path.join('.') : '(input)';
  throw new StoreError('query', `Bad parameter "${name}" for ${describe(stmt.sql)}: ${issue?.message ?? 'invalid'}`, {
    cause: parsed.error,
  });
}

function describe(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim();
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function parseRows<S extends z.ZodType>(row: S, raw: unknown[]): z.infer<S>[] {
  const parsed = z.array(row).safeParse(raw);
  if (!parsed.success) {
    throw new StoreError(
      'parse',
      `Unexpected row shape from ClickHouse: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

function timeoutSignal(): AbortSignal {
  return AbortSignal.timeout(env().CLICKHOUSE_QUERY_TIMEOUT_MS);
}

/**
 * Run a SELECT and parse every row with its zod schema: a statement of server/clickhouse/queries/ with
 * its input (parsed by the statement's params schema), or the SQL text of a builder, a test or a script
 * with its params record.
 */
export async function query<P extends z.ZodObject, R extends z.ZodType>(
  stmt: Statement<P, R>,
  ...input: Input<P>
): Promise<z.infer<R>[]>;
export async function query<S extends z.ZodType>(sql: string, params: Params, row: S): Promise<z.infer<S>[]>;
export async function query(stmt: Statement | string, input?: unknown, row?: z.ZodType): Promise<unknown[]> {
  const sql = typeof stmt === 'string' ? stmt : stmt.sql;
  const params = typeof stmt === 'string' ? ((input ?? {}) as Params) : bind(stmt, input);
  const s = await store();
  let raw: unknown[];
  const signal = timeoutSignal();
  try {
    const rs = await s.client.query({ query: sql, query_params: params, format: 'JSONEachRow', abort_signal: signal });
    raw = await rs.json();
  } catch (err) {
    throw mapError(err, signal);
  }
  return parseRows(typeof stmt === 'string' ? row! : stmt.row, raw);
}

/** Run a statement that returns nothing (DDL, INSERT … SELECT, ALTER). */
export async function command<P extends z.ZodObject>(stmt: Statement<P>, ...input: Input<P>): Promise<void>;
export async function command(sql: string, params?: Params): Promise<void>;
export async function command(stmt: Statement | string, input?: unknown): Promise<void> {
  const sql = typeof stmt === 'string' ? stmt : stmt.sql;
  const params = typeof stmt === 'string' ? ((input ?? {}) as Params) : bind(stmt, input);
  const s = await store();
  const signal = timeoutSignal();
  try {
    await s.client.command({ query: sql, query_params: params, abort_signal: signal });
  } catch (err) {
    throw mapError(err, signal);
  }
}

/** Insert rows (objects keyed by column) into a table named by an internal constant. */
export async function insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const s = await store();
  try {
    await s.client.insert({ table, values: rows as Record<string, unknown>[], format: 'JSONEachRow' });
  } catch (err) {
    throw mapError(err);
  }
}

export async function serverVersion(): Promise<string> {
  const [row] = await query(ServerVersionSql);
  return row?.v ?? 'unknown';
}
