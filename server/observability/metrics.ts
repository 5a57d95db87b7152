import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { processSingleton } from '../core/rate-limit';

/**
 * The process's Prometheus metrics, served at /metrics. One registry per process, kept on globalThis:
 * server.ts and each of Next's bundles load their own copy of this module, and all of them must count
 * into the same series. No label ever carries a device, session, report id or client address: every
 * label value comes from a fixed internal set (route templates, flag keys, reasons, statuses).
 */

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function create() {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'swarmdeck' });
  // process_resident_memory_bytes, nodejs_eventloop_lag_seconds, heap, GC, handles …
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const r = [registry];

  return {
    registry,
    telemetryAccepted: new Counter({
      name: 'swarmdeck_telemetry_reports_accepted_total',
      help: 'Reports stored (acknowledged with 200).',
      registers: r,
    }),
    telemetryDuplicates: new Counter({
      name: 'swarmdeck_telemetry_reports_duplicate_total',
      help: 'Reports answered as duplicates (already stored in the last 24 h).',
      registers: r,
    }),
    telemetryRejected: new Counter({
      name: 'swarmdeck_telemetry_reports_rejected_total',
      help: 'Reports refused one by one, by reason (invalid: failed validation; whole refused requests are counted in swarmdeck_telemetry_requests_refused_total).',
      labelNames: ['reason'] as const,
      registers: r,
    }),
    telemetryRequestsRefused: new Counter({
      name: 'swarmdeck_telemetry_requests_refused_total',
      help: 'Telemetry requests answered with an error status, by reason.',
      labelNames: ['reason'] as const,
      registers: r,
    }),
    telemetryAckSeconds: new Histogram({
      name: 'swarmdeck_telemetry_ack_duration_seconds',
      help: 'Time a request waits for the writer to commit its reports (the durable part of the answer).',
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    lastReportReceived: new Gauge({
      name: 'swarmdeck_telemetry_last_accepted_timestamp_seconds',
      help: 'Unix time of the last request that stored at least one report (0 before the first).',
      registers: r,
    }),
    writerQueueRows: new Gauge({
      name: 'swarmdeck_ingest_writer_queue_rows',
      help: 'Reports waiting for the ingestion writer.',
      registers: r,
    }),
    writerLandedRows: new Gauge({
      name: 'swarmdeck_ingest_writer_landed_rows',
      help: 'Reports acknowledged into the landing table and not yet moved into telemetry_raw (not yet on the dashboards).',
      registers: r,
    }),
    writerBatchRows: new Histogram({
      name: 'swarmdeck_ingest_writer_batch_rows',
      help: 'Rows in one writer INSERT (group commit).',
      buckets: [1, 10, 100, 500, 1000, 5000, 10000, 25000, 50000],
      registers: r,
    }),
    writerInsertSeconds: new Histogram({
      name: 'swarmdeck_ingest_writer_insert_duration_seconds',
      help: 'Duration of one writer INSERT.',
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    writerFailures: new Counter({
      name: 'swarmdeck_ingest_writer_failures_total',
      help: 'Writer batches that failed (their requests answered 503, nothing stored).',
      registers: r,
    }),
    storeQuerySeconds: new Histogram({
      name: 'swarmdeck_store_query_duration_seconds',
      help: 'Duration of console (tRPC) procedures, which are store queries, by procedure and outcome.',
      labelNames: ['procedure', 'outcome'] as const,
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    ofrepEvaluations: new Counter({
      name: 'swarmdeck_ofrep_evaluations_total',
      help: 'OFREP flag evaluations answered, by flag and OpenFeature reason.',
      labelNames: ['flag', 'reason'] as const,
      registers: r,
    }),
    rolloutDecisions: new Counter({
      name: 'swarmdeck_rollout_decisions_total',
      help: 'Rollout decisions taken, by action (advance, hold, rollback, kill).',
      labelNames: ['action'] as const,
      registers: r,
    }),
    webhookDeliveries: new Counter({
      name: 'swarmdeck_webhook_deliveries_total',
      help: 'Webhook deliveries attempted, by outcome (delivered, failed, gave_up).',
      labelNames: ['outcome'] as const,
      registers: r,
    }),
    httpRequests: new Counter({
      name: 'swarmdeck_http_requests_total',
      help: 'HTTP requests answered, by route template, method and status code.',
      labelNames: ['route', 'method', 'status'] as const,
      registers: r,
    }),
    httpSeconds: new Histogram({
      name: 'swarmdeck_http_request_duration_seconds',
      help: 'HTTP request duration, by route template and method.',
      labelNames: ['route', 'method'] as const,
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    backupLastSuccess: new Gauge({
      name: 'swarmdeck_backup_last_success_timestamp_seconds',
      help: 'Unix time of the last successful backup made by this process (0: none yet).',
      registers: r,
    }),
    backupFailures: new Counter({
      name: 'swarmdeck_backup_failures_total',
      help: 'Backups that failed.',
      registers: r,
    }),
    restoring: new Gauge({
      name: 'swarmdeck_restore_in_progress',
      help: '1 while a restore runs (telemetry answers 503).',
      registers: r,
    }),
  };
}

export type Metrics = ReturnType<typeof create>;

export function metrics(): Metrics {
  return processSingleton('observability.metrics', create);
}

/** Gauges read at scrape time are registered by their owners through this hook (no import cycles). */
const collectors = () => processSingleton('observability.collectors', () => new Map<string, () => void>());
export function onScrape(name: string, fn: () => void): void {
  collectors().set(name, fn);
}

/** The exposition text for one scrape. */
export async function scrape(): Promise<{ body: string; contentType: string }> {
  for (const fn of collectors().values()) {
    try {
      fn();
    } catch {
      // a collector that fails leaves its gauge at the previous value rather than failing the scrape
    }
  }
  const m = metrics();
  return { body: await m.registry.metrics(), contentType: m.registry.contentType };
}

// Convenience handles the other areas call (e.g. rolloutDecisions().inc({ action: 'advance' })).
export const rolloutDecisions = () => metrics().rolloutDecisions;
export const webhookDeliveries = () => metrics().webhookDeliveries;
export const ofrepEvaluations = () => metrics().ofrepEvaluations;

const ROUTES: readonly [RegExp, string][] = [
  [/^\/api\/v1\/telemetry$/, '/api/v1/telemetry'],
  [/^\/ofrep\/v1\/evaluate\/flags$/, '/ofrep/v1/evaluate/flags'],
  [/^\/ofrep\/v1\/evaluate\/flags\/[^/]+$/, '/ofrep/v1/evaluate/flags/:key'],
  [/^\/api\/v1\/reports\/isp$/, '/api/v1/reports/isp'],
  [/^\/api\/trpc\//, '/api/trpc'],
  [/^\/api\/auth\//, '/api/auth'],
  [/^\/api\/health$/, '/api/health'],
  [/^\/api\/ready$/, '/api/ready'],
  [/^\/metrics$/, '/metrics'],
  [/^\/_next\//, '/_next'],
  [/^\/share\//, '/share/:token'],
  [/^\/invite\//, '/invite/:token'],
  [/^\/isps\/[^/]+$/, '/isps/:asn'],
];
const PAGES = new Set([
  '/',
  '/sign-in',
  '/overview',
  '/swarms',
  '/offload',
  '/isps',
  '/qoe',
  '/rollouts',
  '/reports',
  '/audit',
  '/settings',
  '/system',
  '/favicon.ico',
]);

/** A bounded route label for a request path: a known template, a known page, or "other". */
export function routeLabel(url: string | undefined): string {
  const q = url?.indexOf('?') ?? -1;
  const path = (q >= 0 ? url!.slice(0, q) : url) || '/';
  for (const [re, label] of ROUTES) if (re.test(path)) return label;
  return PAGES.has(path) ? path : 'other';
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
export function methodLabel(m: string | undefined): string {
  return m && METHODS.has(m) ? m : 'other';
}

const REFUSAL: Record<number, string> = {
  400: 'malformed',
  401: 'unauthorized',
  403: 'origin_refused',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/** One telemetry request answered with an error status (called where the endpoint builds the answer). */
export function telemetryRefused(status: number): void {
  metrics().telemetryRequestsRefused.inc({ reason: REFUSAL[status] ?? 'other' });
}

/** One telemetry request that reached the writer: its counts and how long the durable part took. */
export function telemetryAnswered(
  r: { accepted: number; duplicates: number; rejected: number },
  ackSeconds?: number,
): void {
  const m = metrics();
  if (r.accepted) {
    m.telemetryAccepted.inc(r.accepted);
    m.lastReportReceived.set(Date.now() / 1000);
  }
  if (r.duplicates) m.telemetryDuplicates.inc(r.duplicates);
  if (r.rejected) m.telemetryRejected.inc({ reason: 'invalid' }, r.rejected);
  if (ackSeconds !== undefined) m.telemetryAckSeconds.observe(ackSeconds);
}

/** The writer committed one batch: its size, its insert time, and per request what it stored and how long it waited. */
export function writerCommitted(
  rows: number,
  insertSeconds: number,
  requests: { accepted: number; duplicates: number; waitedSeconds: number }[],
): void {
  const m = metrics();
  if (rows > 0) {
    m.writerBatchRows.observe(rows);
    m.writerInsertSeconds.observe(insertSeconds);
  }
  for (const r of requests) telemetryAnswered({ ...r, rejected: 0 }, r.waitedSeconds);
}
export const storeQuerySeconds = () => metrics().storeQuerySeconds;
