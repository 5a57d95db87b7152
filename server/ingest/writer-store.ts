import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { command as mainCommand, mapError, query as mainQuery, store, storeMode } from '../clickhouse/client';
import { env } from '../env';

/**
 * The ingestion writer's own door to the store. Embedded chdb runs one statement at a time per
 * connection, so a 10k-row INSERT on the shared connection would hold every console query behind it.
 * The writer therefore opens its own chdb connections on the same data directory (same process, same
 * lock), one per insert in flight, and does its lookups and inserts there; dashboards keep the main one. Against a ClickHouse
 * server it simply uses the shared client (the server runs statements concurrently).
 */

/** connections the writer may use at once (one per insert in flight) */
export const WRITER_SLOTS = 2;

interface WriterConn {
  clients: ClickHouseClient[];
  /** the main store object this connection was opened beside */
  owner: object;
}

const KEY = Symbol.for('swarmdeck.ingest.writer-store');
const holder = globalThis as unknown as { [KEY]?: Promise<WriterConn> };

async function open(): Promise<WriterConn> {
  const main = await store();
  const mod = (await import('chdb/connection')) as typeof import('chdb/connection');
  const clients = Array.from({ length: WRITER_SLOTS }, () =>
    createClient({
      connection: mod.createChdbConnection({ path: main.dataDir! }) as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'],
      clickhouse_settings: { output_format_json_quote_64bit_integers: 1, date_time_input_format: 'best_effort' },
    }),
  );
  // Close this connection whenever the main store closes (closeStore(): tests, CLI, shutdown), so the
  // data directory is never left open behind the lead's back.
  const closeMain = main.client.close.bind(main.client);
  main.client.close = async () => {
    await closeWriterStore();
    await closeMain();
  };
  return { clients, owner: main };
}

async function conn(): Promise<WriterConn> {
  const main = await store();
  const current = holder[KEY] ? await holder[KEY].catch(() => undefined) : undefined;
  if (current && current.owner === main) return current;
  if (current) await Promise.all(current.clients.map((c) => c.close().catch(() => {})));
  holder[KEY] = open();
  holder[KEY].catch(() => (holder[KEY] = undefined));
  return holder[KEY];
}

const timeout = () => AbortSignal.timeout(env().CLICKHOUSE_QUERY_TIMEOUT_MS);

export async function writerQuery<S extends z.ZodType>(sql: string, params: Record<string, unknown>, row: S, slot = 0): Promise<z.infer<S>[]> {
  if (storeMode() === 'server') return mainQuery(sql, params, row);
  const client = (await conn()).clients[slot % WRITER_SLOTS]!;
  let raw: unknown[];
  try {
    raw = await (await client.query({ query: sql, query_params: params, format: 'JSONEachRow', abort_signal: timeout() })).json();
  } catch (err) {
    throw mapError(err);
  }
  return z.array(row).parse(raw);
}

export async function writerCommand(sql: string, slot = 0): Promise<void> {
  if (storeMode() === 'server') return mainCommand(sql);
  const client = (await conn()).clients[slot % WRITER_SLOTS]!;
  try {
    await client.command({ query: sql, abort_signal: timeout() });
  } catch (err) {
    throw mapError(err);
  }
}

/** Close the writer's connection (tests that reopen the store, shutdown). */
export async function closeWriterStore(): Promise<void> {
  const current = holder[KEY] ? await holder[KEY].catch(() => undefined) : undefined;
  holder[KEY] = undefined;
  if (current) await Promise.all(current.clients.map((c) => c.close().catch(() => {})));
}
