import { describe, expect, it } from 'vitest';
import { alignWindow, MAX_SERIES_POINTS, stepSeconds, stepStarts } from './window';

const H = 3600;

describe('chart steps', () => {
  it('keeps the existing steps for ranges the console offers', () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 0);
    expect(stepSeconds({ preset: '24h' }, 900, now)).toBe(900);
    expect(stepSeconds({ preset: '7d' }, H, now)).toBe(H);
    expect(stepSeconds({ preset: '30d' }, H, now)).toBe(6 * H);
    const w = alignWindow({ preset: '24h' }, 900, now);
    expect(stepStarts(w.lo, w.hi, 900)).toHaveLength(96);
  });

  it('refuses to build a series longer than the cap instead of allocating it', () => {
    // 1970-01-02 … 9999-12-31 at the 1-minute grain: ~4.2 billion points before the cap existed.
    const lo = Date.UTC(1970, 0, 2);
    const hi = Date.UTC(9999, 11, 31);
    expect(() => stepStarts(lo, hi, 60)).toThrow(RangeError);
    expect(() => stepStarts(lo, hi, 0)).toThrow(RangeError);
    expect(stepStarts(lo, lo + MAX_SERIES_POINTS * 60_000, 60)).toHaveLength(MAX_SERIES_POINTS);
  });

  it('coarsens the step in whole grains so any range stays within the cap', () => {
    const range = { from: new Date(Date.UTC(1970, 0, 2)), to: new Date(Date.UTC(9999, 11, 31)) };
    const step = stepSeconds(range, H);
    expect(step % H).toBe(0);
    const w = alignWindow(range, H);
    const points = stepStarts(w.lo, w.hi, step);
    expect(points.length).toBeLessThanOrEqual(MAX_SERIES_POINTS);
    expect(points.length).toBeGreaterThan(MAX_SERIES_POINTS - 10);
  });
});
