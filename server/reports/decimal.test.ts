import { describe, expect, it } from 'vitest';
import { roundRational } from './decimal';

describe('roundRational', () => {
  it('rounds ties away from zero, exactly', () => {
    expect(roundRational(1n, 8n, 2)).toBe('0.13'); // 0.125
    expect(roundRational(-1n, 8n, 2)).toBe('-0.13');
    expect(roundRational(5n, 2_000_000n, 6)).toBe('0.000003'); // 0.0000025
    expect(roundRational(1n, 3n, 6)).toBe('0.333333');
    expect(roundRational(2n, 3n, 6)).toBe('0.666667');
    // 1.0005 is 1.000499999… as a double, so toFixed(3) gives 1.000; the exact rule gives 1.001
    expect(roundRational(10005n, 10000n, 3)).toBe('1.001');
    expect(roundRational(0n, 5n, 6)).toBe('0.000000');
    expect(roundRational(7n, 7n, 6)).toBe('1.000000');
    expect(roundRational(123456789n, 1000n, 0)).toBe('123457');
  });
  it('is undefined for a zero denominator', () => {
    expect(roundRational(0n, 0n, 6)).toBeNull();
  });
  it('handles numbers past 2^53', () => {
    expect(roundRational(2n ** 70n + 1n, 1n, 3)).toBe(`${2n ** 70n + 1n}.000`);
  });
});
