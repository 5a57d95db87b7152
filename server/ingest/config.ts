import { z } from 'zod';
import { processSlot } from '../core/rate-limit';

/** Ingestion tunables (env), read once per process; `resetIngestConfig()` for tests that change them. */
export const IngestEnv = z.object({
  /** reports/s of the bootstrap key from SWARMDECK_INGEST_KEY */
  SWARMDECK_INGEST_KEY_RATE: z.coerce.number().int().min(1).default(200_000),
  /** requests/s per client address (token bucket, burst = 2 s worth); 0 switches it off */
  SWARMDECK_INGEST_IP_RATE: z.coerce.number().min(0).default(100),
  /** reports waiting for the writer before requests are answered 503 */
  SWARMDECK_INGEST_QUEUE_MAX: z.coerce.number().int().min(1).default(200_000),
  /** most reports in one INSERT (group commit) */
  SWARMDECK_INGEST_BATCH_MAX: z.coerce.number().int().min(1).default(50_000),
  /** how long the writer waits for more requests before an insert (ms) … */
  SWARMDECK_INGEST_LINGER_MS: z.coerce.number().int().min(0).max(100).default(50),
  /** … unless this many reports are already waiting (group commit: one INSERT per ≤ 100 ms or 10k rows) */
  SWARMDECK_INGEST_FLUSH_ROWS: z.coerce.number().int().min(1).default(10_000),
  /** threads one INSERT may use (0 = the engine's default); fewer leave cores to console queries */
  SWARMDECK_INGEST_INSERT_THREADS: z.coerce.number().int().min(0).max(64).default(0),
  /** report ids of the last 24 h the writer remembers exactly (≈ 100 B each) … */
  SWARMDECK_INGEST_SEEN_MEMORY_IDS: z.coerce.number().int().min(1).max(50_000_000).default(400_000),
  /** … and approximately after that (Bloom filters, 28 bits each), before it must ask the store for every id */
  SWARMDECK_INGEST_SEEN_FILTER_IDS: z.coerce.number().int().min(0).max(1_000_000_000).default(32_000_000),
  /**
   * Landing under load: `auto` acknowledges a batch once it is in the landing table (durable, no views) while
   * another insert or a move is under way, and moves landed batches into telemetry_raw in large statements;
   * an idle writer inserts into telemetry_raw directly (visible at the answer). `off`: always directly;
   * `always`: every batch lands (tests of the landing path).
   */
  SWARMDECK_INGEST_LANDING: z.enum(['auto', 'off', 'always']).default('auto'),
  /** most landed reports one move takes into telemetry_raw */
  SWARMDECK_INGEST_MOVE_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(400_000),
  /** a move starts once the oldest landed batch has waited this long (ms) … */
  SWARMDECK_INGEST_MOVE_LINGER_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  /** … or once this many reports are landed (the views cost mostly per statement: larger moves are cheaper) */
  SWARMDECK_INGEST_MOVE_MIN_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
});
export type IngestConfig = z.infer<typeof IngestEnv>;

const holder = processSlot<IngestConfig>('ingest.config');

export function ingestConfig(): IngestConfig {
  holder.value ??= IngestEnv.parse(process.env);
  return holder.value;
}

export function resetIngestConfig(): void {
  holder.value = undefined;
}

/** Per request: at most this many reports and this many bytes after decompression. */
export const MAX_REPORTS = 5_000;
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
