import { bucketSeconds, resolveRange, type TimeRangeInput } from '@/lib/time-range';
import type { Grain } from '../clickhouse/queries/dashboards';

/**
 * The rollup grain of a range: minute up to 6 h, 15 minutes up to 24 h, hour beyond — the coarsest grain
 * that still divides the chart step of `bucketSeconds` (5 min up to 6 h, 15 min up to 24 h, 1 h+ beyond),
 * so a 24 h figure merges 96 states per group instead of 1,440.
 */
export function grainFor(range: { from: Date; to: Date }): Grain {
  const span = range.to.getTime() - range.from.getTime();
  if (span <= 6 * 3_600_000) return '1m';
  return span <= 24 * 3_600_000 ? '15m' : '1h';
}

export interface Window {
  /** First bucket start (inclusive), range start floored to the grain. */
  lo: number;
  /** Range end rounded up to the grain (exclusive): a bucket counts when it starts before the range end. */
  hi: number;
  grainSeconds: number;
  /** The previous period of the same length, ending at lo. */
  prevLo: number;
  live: boolean;
  now: number;
}

export function alignWindow(range: TimeRangeInput, grainSeconds: number, now = Date.now()): Window {
  const r = resolveRange(range, now);
  const g = grainSeconds * 1000;
  const lo = Math.floor(r.from.getTime() / g) * g;
  const hi = Math.ceil(r.to.getTime() / g) * g;
  return { lo, hi, grainSeconds, prevLo: lo - (hi - lo), live: r.live, now };
}

/** The most points one series may hold, whatever range reaches the service (400 days at 6 h is 1,600). */
export const MAX_SERIES_POINTS = 5000;

/**
 * The chart step: the shared range → bucket rule, never finer than the rollup grain, and coarsened (in
 * whole grains) when the range would otherwise need more than MAX_SERIES_POINTS steps.
 */
export function stepSeconds(range: TimeRangeInput, grainSeconds: number, now = Date.now()): number {
  const r = resolveRange(range, now);
  const s = Math.max(bucketSeconds(r), grainSeconds);
  const spanSeconds = (r.to.getTime() - r.from.getTime()) / 1000;
  if (spanSeconds / s < MAX_SERIES_POINTS) return s;
  // Four spare steps: the window is widened to whole grains at both ends and floored to the step.
  return Math.ceil(spanSeconds / (MAX_SERIES_POINTS - 4) / grainSeconds) * grainSeconds;
}

export function chTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The step starts covering [lo, hi), for filling empty steps with zeros. The count is checked before
 * anything is allocated: a window needing more than MAX_SERIES_POINTS steps is refused, never built.
 */
export function stepStarts(lo: number, hi: number, step: number): number[] {
  if (!(step > 0) || !Number.isFinite(lo) || !Number.isFinite(hi))
    throw new RangeError(`no series for step ${step} over [${lo}, ${hi})`);
  const s = step * 1000;
  const first = Math.floor(lo / s) * s;
  const count = Math.max(0, Math.ceil((hi - first) / s));
  if (count > MAX_SERIES_POINTS) throw new RangeError(`a series of ${count} points exceeds ${MAX_SERIES_POINTS}`);
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((first + i * s) / 1000);
  return out;
}
