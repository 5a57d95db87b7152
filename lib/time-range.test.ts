import { describe, expect, it } from 'vitest';
import {
  bucketSeconds,
  MAX_RANGE_MS,
  rangeFromSearchParams,
  rangeToSearchParams,
  resolveRange,
  TimeRangeInput,
} from './time-range';

describe('time ranges', () => {
  it('resolves a preset to a live range ending now', () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 0);
    const r = resolveRange({ preset: '6h' }, now);
    expect(r.to.getTime()).toBe(now);
    expect(r.to.getTime() - r.from.getTime()).toBe(6 * 3_600_000);
    expect(r.live).toBe(true);
  });

  it('round-trips a custom range through the URL, keeping other params', () => {
    const from = new Date('2026-11-01T00:00:00.000Z');
    const to = new Date('2026-11-02T06:30:00.000Z');
    const sp = rangeToSearchParams({ from, to }, new URLSearchParams('range=7d&country=DE'));
    expect(sp.get('range')).toBeNull();
    expect(sp.get('country')).toBe('DE');
    const back = rangeFromSearchParams(sp);
    expect(back).toEqual({ from, to });
  });

  it('falls back to 24 h for a missing or invalid range, and for from after to', () => {
    expect(rangeFromSearchParams(new URLSearchParams(''))).toEqual({ preset: '24h' });
    expect(rangeFromSearchParams(new URLSearchParams('range=3y'))).toEqual({ preset: '24h' });
    expect(rangeFromSearchParams(new URLSearchParams('from=2026-11-02&to=2026-11-01'))).toEqual({ preset: '24h' });
  });

  it('picks coarser buckets for longer ranges', () => {
    const at = (ms: number) => ({ from: new Date(0), to: new Date(ms), live: false });
    expect(bucketSeconds(at(15 * 60_000))).toBe(60);
    expect(bucketSeconds(at(24 * 3_600_000))).toBe(900);
    expect(bucketSeconds(at(7 * 86_400_000))).toBe(3600);
    expect(bucketSeconds(at(30 * 86_400_000))).toBe(21600);
  });
});

describe('range bound', () => {
  it('accepts a custom range of exactly 400 days and refuses a wider one at `to`', () => {
    const from = new Date('2025-01-01T00:00:00Z');
    expect(TimeRangeInput.safeParse({ from, to: new Date(from.getTime() + MAX_RANGE_MS) }).success).toBe(true);
    const wide = TimeRangeInput.safeParse({ from: '1970-01-02', to: '9999-12-31' });
    expect(wide.success).toBe(false);
    const issue =
      wide.error!.issues.find((i) => i.message.includes('400 days')) ??
      (wide.error!.issues[0] as { errors?: { message: string; path: PropertyKey[] }[][] }).errors
        ?.flat()
        .find((e) => e.message.includes('400 days'));
    expect(issue?.path).toEqual(['to']);
    expect(TimeRangeInput.safeParse({ from, to: new Date(from.getTime() + MAX_RANGE_MS + 1000) }).success).toBe(false);
  });

  it('URL ranges wider than the bound fall back to 24 h', () => {
    expect(rangeFromSearchParams(new URLSearchParams('from=1970-01-02&to=9999-12-31'))).toEqual({ preset: '24h' });
  });
});
