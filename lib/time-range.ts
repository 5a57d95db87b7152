import { z } from 'zod';
import { MAX_RANGE_DAYS, MAX_RANGE_MS, RANGE_PRESETS } from './range-params';

export * from './range-params';

export const RangePreset = z.enum(RANGE_PRESETS);
export type RangePreset = z.infer<typeof RangePreset>;

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
