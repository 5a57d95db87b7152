import type { DroppedCounts, ReportStore, StoredEntry } from './persist';
import { DEDUP_WINDOW_MS, type TelemetryReport } from './report';

/** A report as sent: the contract's fields, plus the client's loss counts when it carries them. */
export type OutgoingReport = TelemetryReport & { clientDropped?: DroppedCounts };

/** Gzips a request body; browsers use CompressionStream, Node passes one built on node:zlib (sdk/node.ts). */
export type Compressor = (data: Uint8Array) => Promise<Uint8Array>;
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** The ingestion endpoint, e.g. `https://console.example.com/api/v1/telemetry`. */
  endpoint: string;
  ingestKey: string;
  /** 'auto' (default): CompressionStream where the platform has it; false: never; or your own compressor. */
  compress?: 'auto' | false | Compressor;
  fetch?: FetchLike;
  /** Extra request headers (e.g. `X-Forwarded-For` from a trusted relay). */
  headers?: Record<string, string>;
  /** Most reports in one request (the contract allows 5,000). */
  maxBatch?: number;
  /** Most reports held while the endpoint is unreachable; beyond it the oldest are dropped (and counted). */
  bufferLimit?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Reports older than this are never resent (the contract's 24 h dedup window). */
  maxAgeMs?: number;
  requestTimeoutMs?: number;
  /** Wall clock for ages and backoff (default Date.now). */
  clock?: () => number;
  random?: () => number;
  /** Schedule retries by itself (default true); a simulator driving many clients calls flush() instead. */
  autoRetry?: boolean;
  /**
   * Keeps unsent reports across page loads (browsers: `webStorageStore()`); they are sent again on the
   * next load with the same reportIds. Default: memory only.
   */
  store?: ReportStore;
  onDelivered?: (reports: TelemetryReport[]) => void;
  onDropped?: (reports: TelemetryReport[], reason: DropReason) => void;
  onError?: (message: string) => void;
}

export type DropReason = 'overflow' | 'expired' | 'rejected';

export interface TransportStats {
  queued: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  droppedOverflow: number;
  droppedExpired: number;
  requests: number;
  retries: number;
  lastStatus: number | 'network' | null;
  nextAttemptAt: number;
  /** Reports taken over from earlier page loads. */
  restored: number;
  /** Requests sent with `keepalive` when the page was hidden or left. */
  keepaliveRequests: number;
  /** Drops counted but not yet carried by a delivered report. */
  dropsUnreported: number;
  /** True once the page's storage failed and unsent reports live in memory only. */
  storageDegraded: boolean;
}

/** Chrome's budget for all keepalive bodies of a page is 64 KiB; leave room for a request in flight. */
export const KEEPALIVE_BUDGET = 60 * 1024;

interface Entry {
  report: OutgoingReport;
  createdAt: number;
  inFlight: boolean;
}

const RETRYABLE = new Set([401, 403, 408, 425, 429, 500, 502, 503, 504]);

/** `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.max(0, Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with "equal jitter": half fixed, half random, never below Retry-After. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  const jittered = exp / 2 + (random() * exp) / 2;
  return Math.max(retryAfterMs ?? 0, Math.round(jittered));
}

async function gzipWithCompressionStream(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Sends reports in batches with retries: the same reports (same reportIds) are sent again after a
 * 429/503/network error until the endpoint acknowledges them, so the server's dedup counts each once.
 * A bounded buffer holds them meanwhile.
 */
export class Transport {
  private queue: Entry[] = [];
  private attempt = 0;
  private nextAttemptAt = 0;
  private running: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private batchLimit: number;
  private compressor: Compressor | null;
  private readonly pool: DroppedCounts = { expired: 0, overflow: 0 };
  private readonly s: Omit<TransportStats, 'queued' | 'nextAttemptAt' | 'dropsUnreported' | 'storageDegraded'> = {
    restored: 0,
    keepaliveRequests: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    droppedOverflow: 0,
    droppedExpired: 0,
    requests: 0,
    retries: 0,
    lastStatus: null,
  };
  private readonly clock: () => number;
  private readonly random: () => number;

  constructor(private readonly o: TransportOptions) {
    this.clock = o.clock ?? Date.now;
    this.random = o.random ?? Math.random;
    this.batchLimit = Math.min(5_000, o.maxBatch ?? 500);
    this.compressor =
      o.compress === false
        ? null
        : typeof o.compress === 'function'
          ? o.compress
          : typeof CompressionStream === 'function'
            ? gzipWithCompressionStream
            : null;
    if (o.store) {
      const kept = o.store.takeAll();
      this.pool.expired += kept.dropped.expired;
      this.pool.overflow += kept.dropped.overflow;
      for (const e of kept.entries) this.queue.push({ report: e.report, createdAt: e.createdAt, inFlight: false });
      this.s.restored = kept.entries.length;
      this.expire();
      this.trim();
      this.persist();
    }
  }

  stats(): TransportStats {
    return {
      ...this.s,
      queued: this.queue.length,
      nextAttemptAt: this.nextAttemptAt,
      dropsUnreported: this.pool.expired + this.pool.overflow,
      storageDegraded: this.o.store?.degraded ?? false,
    };
  }

  /** Queues a report; loss counts not yet reported travel with it (`clientDropped`). */
  enqueue(report: TelemetryReport): void {
    const r: OutgoingReport = report;
    if (this.pool.expired + this.pool.overflow > 0) {
      r.clientDropped = { expired: this.pool.expired, overflow: this.pool.overflow };
      this.pool.expired = this.pool.overflow = 0;
    }
    this.queue.push({ report: r, createdAt: this.clock(), inFlight: false });
    this.trim();
    this.persist();
  }

  private trim(): void {
    const limit = this.o.bufferLimit ?? 1_000;
    while (this.queue.length > limit) {
      const i = this.queue.findIndex((e) => !e.inFlight);
      if (i < 0) break;
      const [dropped] = this.queue.splice(i, 1);
      this.s.droppedOverflow++;
      this.lost([dropped!], 'overflow');
      this.o.onDropped?.([dropped!.report], 'overflow');
    }
  }

  /** Counts entries that will never be delivered; loss counts they carried go back to the pool. */
  private lost(entries: Entry[], reason: DropReason): void {
    for (const e of entries) {
      const c = e.report.clientDropped;
      if (c) {
        this.pool.expired += c.expired;
        this.pool.overflow += c.overflow;
        delete e.report.clientDropped;
      }
      if (reason === 'expired') this.pool.expired++;
      else if (reason === 'overflow') this.pool.overflow++;
    }
  }

  /** Writes what is unsent (in flight included: a lost response must not lose reports) to the store. */
  persist(): void {
    if (!this.o.store) return;
    const entries: StoredEntry[] = this.queue.map((e) => ({ report: e.report, createdAt: e.createdAt }));
    this.o.store.save({ entries, dropped: { ...this.pool } });
  }

  /**
   * For `pagehide` / `visibilitychange: hidden`: stores everything unsent, then sends what fits in the
   * keepalive budget with `fetch(…, { keepalive: true })`, uncompressed (there is no time to await a
   * compressor). Whatever does not arrive is sent again on the next load with the same reportIds.
   */
  flushKeepalive(budget = KEEPALIVE_BUDGET): void {
    this.persist();
    this.expire();
    const batch: Entry[] = [];
    // The browser's budget covers every keepalive body still in flight (hidden, then pagehide: two calls).
    budget -= this.keepaliveInFlight;
    let size = '{"reports":[]}'.length;
    for (const e of this.queue) {
      if (e.inFlight) continue;
      const n = new TextEncoder().encode(JSON.stringify(e.report)).length + 1;
      if (size + n > budget) break;
      size += n;
      batch.push(e);
    }
    if (!batch.length) return;
    for (const e of batch) e.inFlight = true;
    this.s.keepaliveRequests++;
    this.keepaliveInFlight += size;
    const done = () => {
      for (const e of batch) e.inFlight = false;
      this.keepaliveInFlight -= size;
    };
    void this.send(batch, true).then((outcome) => {
      done();
      if (outcome === 'retry') this.scheduleRetry();
      this.persist();
    }, done);
  }

  private keepaliveInFlight = 0;

  /** Sends everything queued (unless backing off, or `force`). Resolves when the queue is empty or a retry is pending. */
  flush(opts: { force?: boolean } = {}): Promise<void> {
    if (this.running) return this.running;
    if (!opts.force && this.clock() < this.nextAttemptAt) return Promise.resolve();
    this.running = this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops retry timers; what is still queued stays in `pending()`. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  pending(): TelemetryReport[] {
    return this.queue.map((e) => e.report);
  }

  private expire(): void {
    const maxAge = this.o.maxAgeMs ?? DEDUP_WINDOW_MS;
    const now = this.clock();
    const expired = this.queue.filter((e) => !e.inFlight && now - e.createdAt >= maxAge);
    if (!expired.length) return;
    this.queue = this.queue.filter((e) => !expired.includes(e));
    this.s.droppedExpired += expired.length;
    this.lost(expired, 'expired');
    this.o.onDropped?.(
      expired.map((e) => e.report),
      'expired',
    );
  }

  private async drain(): Promise<void> {
    for (;;) {
      this.expire();
      const batch = this.queue.slice(0, this.batchLimit);
      if (!batch.length) return;
      for (const e of batch) e.inFlight = true;
      let outcome: 'done' | 'retry' | 'shrink';
      try {
        outcome = await this.send(batch);
      } finally {
        for (const e of batch) e.inFlight = false;
      }
      this.persist();
      if (outcome === 'retry') {
        this.scheduleRetry();
        return;
      }
      if (outcome === 'done') {
        this.attempt = 0;
        this.nextAttemptAt = 0;
      }
    }
  }

  private retryAfterMs: number | undefined;

  private scheduleRetry(): void {
    const delay = backoffDelay(
      this.attempt,
      this.o.retryBaseMs ?? 1_000,
      this.o.retryMaxMs ?? 300_000,
      this.random,
      this.retryAfterMs,
    );
    this.attempt++;
    this.s.retries++;
    this.nextAttemptAt = this.clock() + delay;
    if (this.o.autoRetry === false || this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      // Forced: this is the scheduled attempt (a timer may fire a millisecond before nextAttemptAt).
      void this.flush({ force: true });
    }, delay);
    (this.timer as { unref?: () => void }).unref?.();
  }

  private remove(batch: Entry[]): void {
    const set = new Set(batch);
    this.queue = this.queue.filter((e) => !set.has(e));
  }

  private async send(batch: Entry[], keepalive = false): Promise<'done' | 'retry' | 'shrink'> {
    const reports = batch.map((e) => e.report);
    let body: Uint8Array = new TextEncoder().encode(JSON.stringify({ reports }));
    const headers: Record<string, string> = {
      ...this.o.headers,
      authorization: `Bearer ${this.o.ingestKey}`,
      'content-type': 'application/json',
    };
    if (this.compressor && body.length > 1024 && !keepalive) {
      body = await this.compressor(body);
      headers['content-encoding'] = 'gzip';
    }
    const doFetch: FetchLike = this.o.fetch ?? ((url, init) => fetch(url, init));
    this.retryAfterMs = undefined;
    this.s.requests++;
    let res: Response;
    try {
      const timeout = this.o.requestTimeoutMs ?? 30_000;
      res = await doFetch(this.o.endpoint, {
        method: 'POST',
        headers,
        body: body as BodyInit,
        ...(keepalive ? { keepalive: true } : {}),
        signal: typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(timeout) : undefined,
      });
    } catch (err) {
      this.s.lastStatus = 'network';
      this.o.onError?.(`network error: ${(err as Error).message}`);
      return 'retry';
    }
    this.s.lastStatus = res.status;
    if (res.status === 200) {
      const ack = (await res.json().catch(() => ({}))) as {
        accepted?: number;
        duplicates?: number;
        rejected?: number;
        errors?: { index: number; message: string; path: string }[];
      };
      const rejectedIdx = new Set((ack.errors ?? []).map((e) => e.index));
      const delivered = reports.filter((_, i) => !rejectedIdx.has(i));
      const rejected = reports.filter((_, i) => rejectedIdx.has(i));
      this.s.accepted += ack.accepted ?? delivered.length;
      this.s.duplicates += ack.duplicates ?? 0;
      this.s.rejected += ack.rejected ?? rejected.length;
      this.remove(batch);
      if (rejected.length) {
        this.lost(
          batch.filter((_, i) => rejectedIdx.has(i)),
          'rejected',
        );
        this.o.onError?.(
          `${rejected.length} report(s) rejected: ${(ack.errors ?? [])
            .slice(0, 3)
            .map((e) => `${e.path} ${e.message}`)
            .join('; ')}`,
        );
        this.o.onDropped?.(rejected, 'rejected');
      }
      if (delivered.length) this.o.onDelivered?.(delivered);
      return 'done';
    }
    const text = await res.text().catch(() => '');
    if (res.status === 413 && this.batchLimit > 1) {
      this.batchLimit = Math.max(1, Math.floor(batch.length / 2));
      return 'shrink';
    }
    if (res.status === 415 && headers['content-encoding']) {
      this.compressor = null;
      return 'shrink';
    }
    if (RETRYABLE.has(res.status)) {
      this.retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), this.clock());
      this.o.onError?.(`endpoint answered ${res.status}; retrying`);
      return 'retry';
    }
    // 400 (every report rejected) and other permanent answers: resending the same bytes cannot help.
    this.remove(batch);
    this.lost(batch, 'rejected');
    this.s.rejected += batch.length;
    this.o.onError?.(`endpoint answered ${res.status}: ${text.slice(0, 200)}`);
    this.o.onDropped?.(reports, 'rejected');
    return 'done';
  }
}
