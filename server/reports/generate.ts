import { ServiceError } from '../core/errors';
import { buildReport, type Report, type ReportInput } from './compute';
import { processSingleton } from '../core/rate-limit';

/**
 * Report generation under a concurrency limit, and share-link views from a small cache.
 *
 * A report over 400 days and 200 ISPs reads millions of rollup rows; without a limit a handful of
 * parallel downloads would take every store connection from the dashboards and ingestion. At most
 * MAX_RUNNING reports are computed at once and MAX_WAITING wait for a turn; beyond that the caller is
 * told to retry (503 + Retry-After). A share link is opened by partners again and again with the same
 * parameters: its report is kept per link + parameters for SHARE_TTL_MS (LRU, SHARE_CACHE_MAX entries),
 * and concurrent opens share one computation.
 */

export const MAX_RUNNING = 2;
export const MAX_WAITING = 16;
export const SHARE_TTL_MS = 60_000;
export const SHARE_CACHE_MAX = 64;

interface State {
  running: number;
  waiting: (() => void)[];
  cache: Map<string, { at: number; report: Promise<Report> }>;
  computed: number;
}
const state: State = processSingleton('reports.generate', (): State => ({
  running: 0,
  waiting: [],
  cache: new Map(),
  computed: 0,
}));

/** Compute a report, waiting for a turn; refused with `unavailable` when too many already wait. */
export async function generateReport(input: ReportInput): Promise<Report> {
  if (state.running >= MAX_RUNNING) {
    if (state.waiting.length >= MAX_WAITING) {
      throw new ServiceError(
        'unavailable',
        `Too many reports are being generated (${MAX_RUNNING} at once, ${MAX_WAITING} waiting); try again shortly.`,
        { retryAfterSeconds: 5 },
      );
    }
    await new Promise<void>((resolve) => state.waiting.push(resolve));
  }
  state.running++;
  try {
    state.computed++;
    return await buildReport(input);
  } finally {
    state.running--;
    state.waiting.shift()?.();
  }
}

/** A share link's report for these parameters, computed at most once per SHARE_TTL_MS. */
export function sharedReport(linkId: string, input: ReportInput, now = Date.now()): Promise<Report> {
  const key = `${linkId}|${[...input.asns].sort((a, b) => a - b).join(',')}|${input.from}|${input.to}`;
  const hit = state.cache.get(key);
  if (hit && now - hit.at < SHARE_TTL_MS) {
    state.cache.delete(key);
    state.cache.set(key, hit);
    return hit.report;
  }
  const report = generateReport(input);
  state.cache.set(key, { at: now, report });
  // A failure is not cached: the next view tries again.
  report.catch(() => state.cache.get(key)?.report === report && state.cache.delete(key));
  while (state.cache.size > SHARE_CACHE_MAX) state.cache.delete(state.cache.keys().next().value!);
  return report;
}

/** For tests: how many reports were computed in this process. */
export function reportsComputed(): number {
  return state.computed;
}
