/**
 * Exact decimal rounding for report figures: the value is the rational num/den of two non-negative
 * integers, rounded to `places` decimals, ties away from zero. Never goes through a binary float.
 * Returns null when den is 0 (the figure is undefined).
 */
export function roundRational(num: bigint, den: bigint, places: number): string | null {
  if (den === 0n) return null;
  const negative = num < 0n !== den < 0n && num !== 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const scale = 10n ** BigInt(places);
  // round(n·scale/d) with ties away from zero = floor((2·n·scale + d) / 2d) for non-negative values.
  const scaled = (2n * n * scale + d) / (2n * d);
  const digits = scaled.toString().padStart(places + 1, '0');
  const int = digits.slice(0, digits.length - places);
  const frac = digits.slice(digits.length - places);
  return `${negative ? '-' : ''}${int}${places > 0 ? `.${frac}` : ''}`;
}
