import { openLane, StoreError, type StoreLane } from '../clickhouse/client';
import { NewestReportIdSql, SeenReportIdsUntilSql, StoredReportIdsPageSql } from '../clickhouse/queries/ingest';
import { logger } from '../observability/logger';
import { metrics, onScrape, writerCommitted } from '../observability/metrics';
import { restoreInProgress, RESTORE_RETRY_AFTER_SEC } from '../store/maintenance';
import { ingestConfig } from './config';
import { dt64, ROW_COLUMNS, withReceivedAt } from './rows';
import {
  closeWriterStore,
  WRITER_SLOTS,
  writerInsert,
  writerLand,
  writerLandedSeqs,
  writerMoveLanded,
  writerQuery,
} from './writer-store';
import { processSlot } from '../core/rate-limit';
import { ForgottenIds } from './seen-filter';

/**
 * The process's single ingestion writer (group commit). Requests hand it pre-serialized rows and wait;
 * it takes everything queued (up to a batch limit), drops report ids already stored in the last 24 h
 * (in memory, then the persistent `ingest_report_ids` index by primary key — only for what memory cannot
 * know, see `lookupUntil`) or repeated within the batch, inserts the rest with ONE statement into telemetry_raw (whose materialized views fill
 * telemetry_flows, ingest_report_ids and every rollup), and only then resolves the requests.
 * Batches are decided one after another, each against committed data only (a request holding an id
 * that an unfinished insert carries waits for it), so two copies of a report in concurrent requests are
 * seen by the same serialized check: one is stored, the other answered as a duplicate. Up to two
 * inserts run at once, so the next batch is checked while the previous one commits.
 *
 * Landing under load (SWARMDECK_INGEST_LANDING=auto): while another insert or a move is under way, a batch
 * goes into `ingest_landing` instead — no views, one part, ≈ a fifth of an insert's cost — and is answered
 * once that insert returned (durable). A mover on a lane of its own takes every landed batch into
 * telemetry_raw in one large statement (the views' cost is mostly per statement) and drops their
 * partitions. Landed ids stay in the exact memory until moved (landing stops at half its size), so
 * duplicates of them are caught as before; a starting writer, and one that lost track after a failed
 * landing, first moves whatever the landing table holds, leaving out ids telemetry_raw already has.
 */

export interface WriteResult {
  accepted: number;
  duplicates: number;
}

export class IngestOverloaded extends Error {
  readonly retryAfterSec: number = 1;
}

/** A restore replaces the tables: nothing may be acknowledged into them meanwhile. */
export class IngestPausedForRestore extends IngestOverloaded {
  override readonly retryAfterSec = RESTORE_RETRY_AFTER_SEC;
}

interface Pending {
  ids: string[];
  lines: string[];
  /** performance.now() at submit: the ack wait ends when the batch commits */
  at: number;
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
}

const DAY_MS = 24 * 3_600_000;
const LOOKUP_CHUNK = 5_000;
/** ids per page when a starting writer reads the ids stored before it into its filters */
const PRELOAD_PAGE = 50_000;
/** inserts in flight at once: the next batch is checked and parsed while the previous one commits */
const MAX_ACTIVE = WRITER_SLOTS;

interface Prepared {
  slot: number;
  /** landing sequence of this batch (it goes into ingest_landing), or 0 (straight into telemetry_raw) */
  seq: number;
  now: number;
  taken: Set<string>;
  out: string[];
  results: WriteResult[];
}

function fail(batch: Pending[], err: unknown): void {
  const e = err instanceof StoreError ? err : new StoreError('unavailable', (err as Error).message, { cause: err });
  for (const p of batch) p.reject(e);
}

class Writer {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private draining = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** inserts started and not finished yet, and the report ids they carry */
  private active = 0;
  private readonly inflight = new Set<string>();
  /** writer connections in use by an unfinished batch */
  private readonly busy = new Set<number>();
  /** report id → first arrival (ms); insertion-ordered, so the oldest go first. */
  private readonly recent = new Map<string, number>();
  /** ids evicted from `recent`, approximately (Bloom filters): an id they do not know needs no look-up */
  private readonly forgotten = new ForgottenIds(ingestConfig().SWARMDECK_INGEST_SEEN_FILTER_IDS);
  private readonly recentMax = ingestConfig().SWARMDECK_INGEST_SEEN_MEMORY_IDS;
  /** batches visible in telemetry_raw and its views: direct inserts and moves (tests, the Swarms summary) */
  commits = 0;
  /** landed batches not moved yet, oldest first */
  private landed: { seq: number; rows: number; at: number }[] = [];
  private moving = false;
  private moveTimer: ReturnType<typeof setTimeout> | undefined;
  /** the next move leaves out ids telemetry_raw has (a move failed and may have committed) */
  private moveGuarded = false;
  /** what the landing table holds is not all known (a start, a failed landing, a restore) */
  private needsRecovery = true;
  private recovering: Promise<void> | undefined;
  private lastSeq = 0;
  /** the store has the landing table (known after the first recovery; until then no batch is decided) */
  private landingTable = false;
  /**
   * Every id this process committed with a received time after `horizon` is in `recent` or in
   * `forgotten` (ids leave `recent` by eviction into `forgotten`, and leave `forgotten` only when a whole
   * filter is dropped for room, which moves the horizon past them; a failed insert, which may have
   * half-committed, moves it too). The newest id stored before this writer began is `storedBefore`. So
   * only ids received up to the later of the two can be in the store and in neither: every unknown id is
   * looked up while that is inside the 24 h window (after a restart, or a day after filters overflowed);
   * otherwise only the ids `forgotten` might hold are (their own, and its rare false hits).
   */
  private horizon = 0;
  private storedBefore: number | undefined;
  /** the ids stored before this writer began are in `forgotten` (read in the background, see `preloadStored`) */
  private storedLoaded = false;
  /** bumped by forgetCache(): a preload still running then no longer describes the tables */
  private epoch = 0;
  /** that background read: for ingest:stats and tests */
  readonly preload: { state: 'none' | 'loading' | 'done' | 'failed'; ids: number; ms: number } = {
    state: 'none',
    ids: 0,
    ms: 0,
  };
  /** where a batch's time goes (ingest:stats prints it; the benchmark reads it) */
  readonly spans = {
    batches: 0,
    rows: 0,
    lookups: 0,
    lookupMs: 0,
    lookedUpIds: 0,
    insertMs: 0,
    landed: 0,
    moves: 0,
    movedRows: 0,
    moveMs: 0,
  };

  get pendingRows(): number {
    return this.queuedRows;
  }

  /** reports acknowledged but not yet in telemetry_raw (landed, waiting for a move) */
  get landedRows(): number {
    return this.landed.reduce((n, l) => n + l.rows, 0);
  }

  /** Would a batch of `rows` land now (rather than go straight into telemetry_raw), beside `others` inserts? */
  private landing(rows: number, others: number): boolean {
    const mode = ingestConfig().SWARMDECK_INGEST_LANDING;
    if (mode === 'off' || !this.landingTable) return false;
    // landed ids must stay in the exact memory until moved (the store's index does not have them yet)
    if (this.landedRows + rows > this.recentMax / 2) return false;
    return mode === 'always' || others > 0 || this.moving || this.landed.length > 0;
  }

  submit(ids: string[], lines: string[]): Promise<WriteResult> {
    const cfg = ingestConfig();
    if (ids.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0 });
    if (restoreInProgress()) {
      // the tables are being replaced: what memory knows no longer describes them
      this.forgetCache();
      return Promise.reject(new IngestPausedForRestore('A restore of the store is running; retry after it ends.'));
    }
    if (this.queuedRows > 0 && this.queuedRows + ids.length > cfg.SWARMDECK_INGEST_QUEUE_MAX) {
      return Promise.reject(new IngestOverloaded('The ingestion writer is behind; retry shortly.'));
    }
    return new Promise<WriteResult>((resolve, reject) => {
      this.queue.push({ ids, lines, at: performance.now(), resolve, reject });
      this.queuedRows += ids.length;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.draining || this.active >= MAX_ACTIVE) return;
    const cfg = ingestConfig();
    if (this.queuedRows >= cfg.SWARMDECK_INGEST_FLUSH_ROWS) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      void this.drain();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, cfg.SWARMDECK_INGEST_LINGER_MS);
  }

  /**
   * Decide batches one at a time (the "seen?" check is serialized) and start their inserts; up to
   * MAX_ACTIVE inserts run at once. A request holding an id that an unfinished insert carries waits
   * for that insert to end, so every decision is made against committed data only.
   */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && this.active < MAX_ACTIVE) {
        // A second insert only for a real backlog. Each insert pays ≈ 0.45 s here for the parts of its ~20
        // target tables whatever its size (measured: 3k-row inserts 5k rows/s, 30k-row ones 24k rows/s),
        // so rows that wait for the running insert and go in one larger one beat two small inserts.
        // A landing batch is cheap, so it starts whenever a lane is free.
        if (
          this.active > 0 &&
          this.queuedRows < 2 * ingestConfig().SWARMDECK_INGEST_FLUSH_ROWS &&
          !this.landing(this.queuedRows, this.active)
        )
          break;
        const batch = this.takeBatch();
        if (batch.length === 0) break;
        this.active++;
        let slot = 0;
        while (this.busy.has(slot)) slot++;
        this.busy.add(slot);
        let prepared: Prepared;
        try {
          prepared = await this.prepare(batch, slot);
        } catch (err) {
          this.busy.delete(slot);
          this.active--;
          fail(batch, err);
          continue;
        }
        void this.commit(batch, prepared);
      }
    } finally {
      this.draining = false;
    }
  }

  private takeBatch(): Pending[] {
    const max = ingestConfig().SWARMDECK_INGEST_BATCH_MAX;
    const batch: Pending[] = [];
    const kept: Pending[] = [];
    let rows = 0;
    for (const p of this.queue) {
      const fits = batch.length === 0 || rows + p.ids.length <= max;
      if (fits && !p.ids.some((id) => this.inflight.has(id))) {
        batch.push(p);
        rows += p.ids.length;
      } else kept.push(p);
    }
    this.queue = kept;
    this.queuedRows -= rows;
    return batch;
  }

  private seenRecently(id: string, now: number): boolean {
    const t = this.recent.get(id);
    return t !== undefined && now - t < DAY_MS;
  }

  private async prepare(batch: Pending[], slot: number): Promise<Prepared> {
    if (this.needsRecovery) await this.recoverLanded();
    const now = Date.now();
    const unknown = new Set<string>();
    for (const p of batch) for (const id of p.ids) if (!this.seenRecently(id, now)) unknown.add(id);
    const stored = new Set<string>();
    const until = await this.lookupUntil(slot);
    // Everything unknown while ids up to `until` may be stored unremembered; else what the filters might hold.
    const everyUnknown = until >= now - DAY_MS;
    const ask = everyUnknown ? [...unknown] : [...unknown].filter((id) => this.forgotten.mightHave(id));
    if (ask.length > 0) {
      const t = performance.now();
      // a filter's ids arrived at any time up to now; `until` bounds only the unremembered ones
      const upTo = this.forgotten.size > 0 ? now : until;
      for (let i = 0; i < ask.length; i += LOOKUP_CHUNK) {
        const rows = await writerQuery(
          SeenReportIdsUntilSql,
          { ids: ask.slice(i, i + LOOKUP_CHUNK), until: Math.floor(upTo / 1000) },
          slot,
        );
        for (const r of rows) stored.add(r.report_id);
      }
      this.spans.lookups++;
      this.spans.lookedUpIds += ask.length;
      this.spans.lookupMs += performance.now() - t;
    }
    const received = dt64(now);
    const taken = new Set<string>();
    const out: string[] = [];
    let rows = 0;
    for (const p of batch) rows += p.ids.length;
    // this batch is counted in `active` already
    const seq = this.landing(rows, this.active - 1) ? this.nextSeq() : 0;
    const results: WriteResult[] = batch.map((p) => {
      let accepted = 0;
      let duplicates = 0;
      for (let i = 0; i < p.ids.length; i++) {
        const id = p.ids[i]!;
        if (taken.has(id) || stored.has(id) || this.seenRecently(id, now)) {
          duplicates++;
          continue;
        }
        taken.add(id);
        const row = withReceivedAt(p.lines[i]!, received);
        out.push(seq === 0 ? row : `[${seq},${row.slice(1)}`);
        accepted++;
      }
      return { accepted, duplicates };
    });
    for (const id of taken) this.inflight.add(id);
    return { slot, seq, now, taken, out, results };
  }

  /** Landing sequence numbers grow across restarts (microseconds of the clock, or one more than the last). */
  private nextSeq(): number {
    this.lastSeq = Math.max(this.lastSeq + 1, Date.now() * 1000);
    return this.lastSeq;
  }

  private async commit(batch: Pending[], { slot, seq, now, taken, out, results }: Prepared): Promise<void> {
    try {
      const rows = out.length;
      const t0 = performance.now();
      if (out.length > 0) {
        out.push('');
        const data = Buffer.from(out.join('\n'));
        if (seq > 0) await writerLand(ROW_COLUMNS, data, slot);
        else await writerInsert(ROW_COLUMNS, data, slot, ingestConfig().SWARMDECK_INGEST_INSERT_THREADS);
      }
      this.remember(taken, now);
      if (seq > 0 && rows > 0) {
        this.landed.push({ seq, rows, at: performance.now() });
        this.spans.landed++;
        this.kickMover();
      } else this.commits++;
      this.spans.batches++;
      this.spans.rows += rows;
      this.spans.insertMs += performance.now() - t0;
      const t1 = performance.now();
      writerCommitted(
        rows,
        (t1 - t0) / 1000,
        batch.map((p, i) => ({ ...results[i]!, waitedSeconds: (t1 - p.at) / 1000 })),
      );
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      // the insert may have reached some tables (and ingest_report_ids) before it failed: let the
      // look-up cover this batch's received time, so a retry is answered from the store
      this.horizon = Math.max(this.horizon, now);
      // a landing that failed may still have left its part: move whatever the table holds before the next batch
      if (seq > 0) this.needsRecovery = true;
      metrics().writerFailures.inc();
      fail(batch, err);
    } finally {
      for (const id of taken) this.inflight.delete(id);
      this.busy.delete(slot);
      this.active--;
      if (this.queue.length > 0) this.schedule();
    }
  }

  /**
   * A move starts when the oldest landed batch has waited SWARMDECK_INGEST_MOVE_LINGER_MS, or at once when
   * SWARMDECK_INGEST_MOVE_MIN_ROWS are landed (or after `retryMs`, following a failure).
   */
  private kickMover(retryMs?: number): void {
    if (this.moving || this.landed.length === 0) return;
    const cfg = ingestConfig();
    const delayMs =
      retryMs ??
      (this.landedRows >= cfg.SWARMDECK_INGEST_MOVE_MIN_ROWS
        ? 0
        : Math.max(0, this.landed[0]!.at + cfg.SWARMDECK_INGEST_MOVE_LINGER_MS - performance.now()));
    if (this.moveTimer) {
      if (delayMs > 0) return;
      clearTimeout(this.moveTimer);
    }
    this.moveTimer = setTimeout(() => {
      this.moveTimer = undefined;
      void this.move();
    }, delayMs);
  }

  /** Landed batches (oldest first, up to SWARMDECK_INGEST_MOVE_ROWS reports) into telemetry_raw in one statement. */
  private async move(): Promise<void> {
    if (this.moving || this.landed.length === 0 || this.recovering) return;
    this.moving = true;
    const take = firstUpTo(this.landed, ingestConfig().SWARMDECK_INGEST_MOVE_ROWS);
    let retryMs: number | undefined;
    try {
      if (await this.moveBatches(take, this.moveGuarded, this.epoch)) this.moveGuarded = false;
    } catch (err) {
      // it may have committed before failing: the retry leaves out what telemetry_raw already has
      this.moveGuarded = true;
      retryMs = 1000;
      metrics().writerFailures.inc();
      logger().warn(
        { err: (err as Error).message, batches: take.length, rows: take.reduce((n, l) => n + l.rows, 0) },
        'moving landed reports into telemetry_raw failed; retrying in 1 s (they stay in ingest_landing)',
      );
    } finally {
      this.moving = false;
      this.kickMover(retryMs);
    }
  }

  /**
   * One move statement (and the drop of the moved partitions) for `batches`, then the bookkeeping — unless
   * a restore replaced the tables meanwhile (`epoch` is no longer the writer's): false then.
   */
  private async moveBatches(batches: readonly { seq: number; rows: number }[], guarded: boolean, epoch: number) {
    const t = performance.now();
    await writerMoveLanded(
      ROW_COLUMNS,
      batches.map((l) => l.seq),
      guarded,
    );
    if (epoch !== this.epoch) return false;
    const gone = new Set(batches.map((l) => l.seq));
    this.landed = this.landed.filter((l) => !gone.has(l.seq));
    this.commits++;
    this.spans.moves++;
    this.spans.movedRows += batches.reduce((n, l) => n + l.rows, 0);
    this.spans.moveMs += performance.now() - t;
    return true;
  }

  /**
   * Resolves once nothing waits for the writer and every landed report is in telemetry_raw, moving landed
   * batches at once instead of after the linger: a graceful stop, a command-line run ending, a test that
   * reads the figures right after sending concurrently. Rejects after `timeoutMs`.
   */
  async flushLanded(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (this.queuedRows === 0 && this.active === 0 && !this.moving && this.landed.length === 0 && !this.recovering)
        return;
      if (Date.now() >= until) throw new Error(`landed reports not moved into telemetry_raw within ${timeoutMs} ms`);
      if (!this.moving && this.landed.length > 0) this.kickMover(0);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * Moves everything the landing table holds into telemetry_raw, leaving out ids already there (a move
   * that committed before its partitions were dropped): at a start (what a killed process acknowledged),
   * after a failed landing, after a restore. Before it ends no batch is decided, so no landed id is
   * looked up in an index that does not have it yet.
   */
  recoverLanded(): Promise<void> {
    this.recovering ??= (async () => {
      try {
        while (this.moving) await new Promise((r) => setTimeout(r, 20));
        this.moving = true;
        const epoch = this.epoch;
        const listed = await writerLandedSeqs();
        // a store not migrated to 0120 (a test of an older schema's upgrade): no landing, every batch direct
        this.landingTable = listed !== null;
        const found = listed ?? [];
        for (const l of found) this.lastSeq = Math.max(this.lastSeq, l.seq);
        const max = ingestConfig().SWARMDECK_INGEST_MOVE_ROWS;
        for (let i = 0; i < found.length;) {
          const part = firstUpTo(found.slice(i), max);
          if (!(await this.moveBatches(part, true, epoch))) return;
          i += part.length;
        }
        if (epoch === this.epoch) this.needsRecovery = false;
      } finally {
        this.moving = false;
        this.recovering = undefined;
        this.kickMover();
      }
    })();
    return this.recovering;
  }

  /**
   * Into the exact memory, then evict its oldest into the filters — once per batch, with one iterator.
   * (Evicting per id restarted a Map iterator for every id, and each one walks over the holes the
   * evictions before it left at the Map's front until V8 compacts the table: measured at 36 % of the
   * server's main thread under bench:ingest, more than JSON, validation and gunzip together.)
   */
  private remember(ids: Iterable<string>, at: number): void {
    for (const id of ids) {
      this.recent.delete(id);
      this.recent.set(id, at);
    }
    const drop = this.recent.size - this.recentMax;
    if (drop <= 0) return;
    this.forgotten.expire(at - DAY_MS);
    let n = 0;
    for (const [k, t] of this.recent) {
      if (n++ >= drop) break;
      this.recent.delete(k);
      this.forget(k, t);
    }
  }

  /** Into the filters; a generation dropped for room moves the horizon past its ids. */
  private forget(id: string, at: number): void {
    const lost = this.forgotten.add(id, at);
    if (lost !== undefined) this.horizon = Math.max(this.horizon, lost);
  }

  /** Forget the in-memory cache (tests: prove the persistent index alone answers). */
  forgetCache(): void {
    this.epoch++;
    // what was landed is the landing table's to tell (a restore replaced it): read it again before the next batch
    this.landed = [];
    this.needsRecovery = true;
    this.recent.clear();
    this.forgotten.clear();
    this.horizon = Math.max(this.horizon, Date.now());
  }

  /** Ids received up to this time (ms) may be stored without memory knowing them (see `horizon`). */
  private async lookupUntil(slot: number): Promise<number> {
    if (this.storedBefore === undefined) {
      const [row] = await writerQuery(NewestReportIdSql, {}, slot);
      // received_at is kept in whole seconds there: the newest id may have come up to 999 ms later
      this.storedBefore = row && row.t > 0 ? row.t * 1000 + 999 : 0;
      if (this.storedBefore >= Date.now() - DAY_MS && this.forgotten.capacity > 0) {
        void this.preloadStored(this.storedBefore);
      }
    }
    return Math.max(this.storedLoaded ? 0 : this.storedBefore, this.horizon);
  }

  /**
   * A writer that starts beside reports of the last 24 h (a restart) reads their ids once, in key-order
   * pages on a lane of its own, into the filters; until that ends every unknown id is looked up as
   * before, and afterwards only the ones a filter might hold. A filter generation dropped for room
   * moves the horizon as always, so an overflow costs look-ups, never a duplicate.
   */
  private async preloadStored(until: number): Promise<void> {
    const epoch = this.epoch;
    const t0 = performance.now();
    this.preload.state = 'loading';
    let lane: StoreLane | undefined;
    try {
      lane = await openLane();
      let after = '';
      for (;;) {
        const [page] = await lane.query(StoredReportIdsPageSql, {
          after,
          until: Math.floor(until / 1000),
          limit: PRELOAD_PAGE,
        });
        if (epoch !== this.epoch) {
          // forgetCache() (a restore) dropped the filters and moved the horizon: this read is void
          this.preload.state = 'none';
          return;
        }
        const ids = page?.ids ?? [];
        const at = (page?.newest ?? 0) * 1000 + 999;
        for (const id of ids) this.forget(id, at);
        this.preload.ids += ids.length;
        if (ids.length < PRELOAD_PAGE) break;
        after = page!.last;
        await new Promise((r) => setImmediate(r));
      }
      this.storedLoaded = true;
      this.preload.state = 'done';
    } catch (err) {
      this.preload.state = 'failed';
      logger().warn(
        { err: (err as Error).message },
        "reading the stored report ids into the writer's filters failed; the writer keeps looking every id up",
      );
    } finally {
      this.preload.ms = performance.now() - t0;
      await lane?.close().catch(() => {});
    }
  }
}

/** The leading batches of `batches` with at most `maxRows` reports in all (at least one). */
function firstUpTo<T extends { rows: number }>(batches: readonly T[], maxRows: number): T[] {
  const out: T[] = [];
  let rows = 0;
  for (const b of batches) {
    if (out.length > 0 && rows + b.rows > maxRows) break;
    out.push(b);
    rows += b.rows;
  }
  return out;
}

const holder = processSlot<Writer>('ingest.writer');

/** The one writer of this process (shared by every module copy Next's bundles load). */
export function ingestWriter(): Writer {
  holder.value ??= new Writer();
  return holder.value;
}

onScrape('ingest-writer', () => {
  metrics().writerQueueRows.set(ingestWriter().pendingRows);
  metrics().writerLandedRows.set(ingestWriter().landedRows);
});

/** Drop the writer (tests that close and reopen the store in one process). */
export async function resetIngestWriter(): Promise<void> {
  holder.value = undefined;
  await closeWriterStore();
}
