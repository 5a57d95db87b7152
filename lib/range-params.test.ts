import { describe, expect, it } from 'vitest';
import { boundedRange, isRangePreset, MAX_RANGE_MS, rangeFromSearchParams } from './range-params';
import { BoundedRange, RangePreset, TimeRangeInput } from './time-range';

// The browser reads ranges without zod; these must be the very ranges the server's schemas take.
const base = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();
const PAIRS: [string, string][] = [
  ['2026-11-01T00:00:00.000Z', '2026-11-02T06:30:00.000Z'],
  ['2026-11-02', '2026-11-01'],
  ['2026-11-01', '2026-11-01'],
  [iso(base), iso(base + MAX_RANGE_MS)],
  [iso(base), iso(base + MAX_RANGE_MS + 1)],
  ['1970-01-02', '9999-12-31'],
  ['yesterday', '2026-11-01'],
  ['2026-11-01', 'not a date'],
  ['1700000000000', '1700000060000'],
  ['Mon, 02 Nov 2026 10:00:00 GMT', '2026-11-02T11:00:00+01:00'],
  ['2026-11-02T10:00:00+01:00', '2026-11-02T10:00:00Z'],
];

describe('time ranges without zod', () => {
  it('a custom from/to is taken exactly when BoundedRange takes it, as the same dates', () => {
    for (const [from, to] of PAIRS) {
      const zod = BoundedRange.safeParse({ from, to });
      const ours = boundedRange(from, to);
      expect({ from, to, ok: ours !== null }).toEqual({ from, to, ok: zod.success });
      if (ours) expect(ours).toEqual(zod.data);
    }
  });

  it('a preset is one RangePreset takes', () => {
    for (const v of ['15m', '1h', '6h', '24h', '7d', '30d', '1d', '24H', '', null]) {
      expect(isRangePreset(v)).toBe(RangePreset.safeParse(v).success);
    }
  });

  it('what the URL gives always passes the server schema', () => {
    for (const [from, to] of PAIRS) {
      for (const range of ['7d', 'bogus']) {
        const sp = new URLSearchParams({ from, to, range });
        const r = rangeFromSearchParams(sp);
        expect(TimeRangeInput.parse(r)).toEqual(r);
      }
    }
  });
});
