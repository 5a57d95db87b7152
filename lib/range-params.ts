import type { TimeRangeInput } from './time-range';

// Without zod: the browser's header and views read this. ./time-range adds the schemas the server
// parses input with (and re-exports all of this); range-params.test.ts holds the two checks together.

export const RANGE_PRESETS = ['15m', '1h', '6h', '24h', '7d', '30d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const PRESET_MS: Record<RangePreset, number> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 24 * 3_600_000,
  '30d': 30 * 24 * 3_600_000,
};

export const PRESET_LABEL: Record<RangePreset, string> = {
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '6h': 'Last 6 hours',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
};

/** The longest span any range the server accepts may cover: the reports' reach. */
export const MAX_RANGE_DAYS = 400;
export const MAX_RANGE_MS = MAX_RANGE_DAYS * 86_400_000;

export function isRangePreset(v: unknown): v is RangePreset {
  return (RANGE_PRESETS as readonly unknown[]).includes(v);
}

/** A custom from/to as BoundedRange takes it (each coerced with `new Date`), or null when it would refuse it. */
export function boundedRange(from: string, to: string): { from: Date; to: Date } | null {
  const f = new Date(from);
  const t = new Date(to);
  const span = t.getTime() - f.getTime();
  return span > 0 && span <= MAX_RANGE_MS ? { from: f, to: t } : null;
}

export interface ResolvedRange {
  from: Date;
  to: Date;
  /** The range ends at "now": views refresh themselves. */
  live: boolean;
}

export function resolveRange(input: TimeRangeInput, now = Date.now()): ResolvedRange {
  if ('preset' in input) {
    return { from: new Date(now - PRESET_MS[input.preset]), to: new Date(now), live: true };
  }
  return { from: input.from, to: input.to, live: false };
}

/** Chart bucket for a range: about 60–300 points; rollups are minute grain up to 24 h, hour grain beyond. */
export function bucketSeconds(range: ResolvedRange): number {
  const span = (range.to.getTime() - range.from.getTime()) / 1000;
  if (span <= 3600) return 60;
  if (span <= 6 * 3600) return 300;
  if (span <= 24 * 3600) return 900;
  if (span <= 7 * 86400) return 3600;
  return 6 * 3600;
}

/** Read the range from URL search params (`range=24h`, or `from=…&to=…`); defaults to 24 h. */
export function rangeFromSearchParams(sp: URLSearchParams): TimeRangeInput {
  const from = sp.get('from');
  const to = sp.get('to');
  if (from && to) {
    const custom = boundedRange(from, to);
    if (custom) return custom;
  }
  const preset = sp.get('range');
  return { preset: isRangePreset(preset) ? preset : '24h' };
}

export function rangeToSearchParams(range: TimeRangeInput, sp: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(sp);
  out.delete('range');
  out.delete('from');
  out.delete('to');
  if ('preset' in range) out.set('range', range.preset);
  else {
    out.set('from', range.from.toISOString());
    out.set('to', range.to.toISOString());
  }
  return out;
}
