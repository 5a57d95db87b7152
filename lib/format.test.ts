import { describe, expect, it } from 'vitest';
import { formatBytes, formatDelta, formatMbps, formatPercent } from './format';

describe('formatters carry units', () => {
  it('bytes use decimal units up to PB', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1500)).toBe('1.5 KB');
    expect(formatBytes(2_340_000_000_000)).toBe('2.3 TB');
    expect(formatBytes(null)).toBe('—');
  });
  it('ratios as percentages, rates in Mbit/s or Gbit/s', () => {
    expect(formatPercent(0.4567)).toBe('45.7 %');
    expect(formatPercent(Number.NaN)).toBe('—');
    expect(formatMbps(12.34)).toBe('12.3 Mbit/s');
    expect(formatMbps(2500)).toBe('2.5 Gbit/s');
  });
  it('deltas are signed and undefined against zero', () => {
    expect(formatDelta(110, 100)).toBe('+10.0 %');
    expect(formatDelta(90, 100)).toBe('-10.0 %');
    expect(formatDelta(5, 0)).toBe('—');
  });
});
