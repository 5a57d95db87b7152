import { z } from 'zod';
import { openLane, store, type StoreLane } from '../clickhouse/client';
import {
  dropLandedSql,
  LANDING_TABLE,
  LandedSeqsSql,
  LandingTableExistsSql,
  moveLandedSql,
  RAW_TABLE,
} from '../clickhouse/queries/ingest';
import type { Statement } from '../clickhouse/queries/store';
import { processSlot } from '../core/rate-limit';

/**
 * The ingestion writer's lanes to the store, through the one door (server/clickhouse/client.ts
 * openLane): one lane per insert in flight, so its look-ups and inserts never queue behind a console
 * query on the shared connection, nor behind each other. Closed with the store (closeStore()).
 */

/** lanes the writer may use at once (one per insert in flight) */
export const WRITER_SLOTS = 2;
/** the lane of the mover (landed batches into telemetry_raw), beside the inserts' */
const MOVER_SLOT = WRITER_SLOTS;

interface Lanes {
  lanes: StoreLane[];
  /** the main store object these lanes were opened beside */
  owner: object;
}

const holder = processSlot<Promise<Lanes>>('ingest.writer-store');

async function lanes(): Promise<StoreLane[]> {
  const main = await store();
  const current = holder.value ? await holder.value.catch(() => undefined) : undefined;
  if (current && current.owner === main) return current.lanes;
  if (current) await Promise.all(current.lanes.map((l) => l.close()));
  const opening = (async () => {
    const opened: StoreLane[] = [];
    try {
      for (let i = 0; i <= MOVER_SLOT; i++) opened.push(await openLane());
    } catch (err) {
      await Promise.all(opened.map((l) => l.close()));
      throw err;
    }
    return { lanes: opened, owner: main };
  })();
  holder.value = opening;
  opening.catch(() => (holder.value = undefined));
  return (await opening).lanes;
}

export async function writerQuery<P extends z.ZodObject, R extends z.ZodType>(
  stmt: Statement<P, R>,
  input: z.input<P>,
  slot = 0,
): Promise<z.infer<R>[]> {
  return (await lanes())[slot % WRITER_SLOTS]!.query(stmt, input);
}

/** Rows as JSONCompactEachRow bytes in `columns` order, into telemetry_raw (its views fill the rest). */
export async function writerInsert(
  columns: readonly string[],
  data: Buffer,
  slot: number,
  threads: number,
): Promise<void> {
  const n = Math.max(0, Math.trunc(threads));
  const settings = n > 0 ? { max_threads: n, max_insert_threads: n } : undefined;
  await (await lanes())[slot % WRITER_SLOTS]!.insertRaw(RAW_TABLE, columns, 'JSONCompactEachRow', data, settings);
}

/** Rows as `land_seq` + JSONCompactEachRow bytes into the landing table (no views: one part, durable). */
export async function writerLand(columns: readonly string[], data: Buffer, slot: number): Promise<void> {
  await (
    await lanes()
  )[slot % WRITER_SLOTS]!.insertRaw(LANDING_TABLE, ['land_seq', ...columns], 'JSONCompactEachRow', data);
}

/** Landed batches into telemetry_raw (every view fills from it), then their partitions dropped. */
export async function writerMoveLanded(
  columns: readonly string[],
  seqs: readonly number[],
  guarded: boolean,
): Promise<void> {
  const lane = (await lanes())[MOVER_SLOT]!;
  await lane.command(moveLandedSql(columns, seqs, guarded));
  await lane.command(dropLandedSql(seqs));
}

/** The batches in the landing table now, with their rows; null when the store has no landing table. */
export async function writerLandedSeqs(): Promise<{ seq: number; rows: number }[] | null> {
  const lane = (await lanes())[MOVER_SLOT]!;
  const [t] = await lane.query(LandingTableExistsSql, {});
  if (!t || t.n === 0) return null;
  return lane.query(LandedSeqsSql, {});
}

/** Close the writer's lanes (tests that reopen the store, shutdown). */
export async function closeWriterStore(): Promise<void> {
  const current = holder.value ? await holder.value.catch(() => undefined) : undefined;
  holder.value = undefined;
  if (current) await Promise.all(current.lanes.map((l) => l.close()));
}
