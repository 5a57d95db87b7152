import { z } from 'zod';

export const RANGE_PRESETS = ['15m', '1h', '6h', '24h', '7d', '30d'] as const;
export const RangePreset = z.enum(RANGE_PRESETS);
export type RangePreset = z.infer<typeof RangePreset>;

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

/**
 * A custom from/to, at most MAX_RANGE_DAYS wide. Unbounded spans let one viewer make the server build
 * millions of chart points; the failure names `to` so the caller knows what to fix.
 */
export const BoundedRange = z
  .object({ from: z.coerce.date(), to: z.coerce.date() })
  .refine((r) => r.from < r.to, { message: 'from must be before to', path: ['to'] })
  .refine((r) => r.to.getTime() - r.from.getTime() <= MAX_RANGE_MS, {
    message: `the range may span at most ${MAX_RANGE_DAYS} days`,
    path: ['to'],
  });

/** The time range as the URL holds it: a preset ending now, or a custom from/to (ISO or ms). */
export const TimeRangeInput = z.union([z.object({ preset: RangePreset }), BoundedRange]);
export type TimeRangeInput = z.infer<typeof TimeRangeInput>;

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
    const parsed = TimeRangeInput.safeParse({ from, to });
    if (parsed.success) return parsed.data;
  }
  const preset = RangePreset.safeParse(sp.get('range'));
  return { preset: preset.success ? preset.data : '24h' };
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
