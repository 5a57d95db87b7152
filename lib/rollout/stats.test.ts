import { describe, expect, it } from 'vitest';
import {
  csHalfWidth,
  diffConfidenceSequence,
  erfc,
  mixtureRho,
  normal,
  ratioEstimate,
  seededRandom,
  srmTest,
} from './stats';

/** Influence-function (linearisation) variance of Σy/Σx: a second implementation of the delta method. */
function influenceVariance(units: { num: number; den: number }[]): number {
  const n = units.length;
  const R = units.reduce((s, u) => s + u.num, 0) / units.reduce((s, u) => s + u.den, 0);
  const mx = units.reduce((s, u) => s + u.den, 0) / n;
  const psi = units.map((u) => (u.num - R * u.den) / mx);
  const mean = psi.reduce((s, v) => s + v, 0) / n;
  return psi.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) / n;
}

/**
 * The normal-mixture boundary computed from its definition: the smallest |S| at which
 * ∫ exp(λS − λ²n/2) φ(λ; 0, ρ²) dλ reaches 1/α, by quadrature and bisection (no closed form).
 */
function mixtureBoundaryNumeric(n: number, rho: number, alpha: number): number {
  const mixture = (S: number) => {
    const steps = 4000;
    const lim = 12 * rho;
    let sum = 0;
    for (let i = 0; i <= steps; i++) {
      const l = -lim + (2 * lim * i) / steps;
      const w = i === 0 || i === steps ? 0.5 : 1;
      sum +=
        w * Math.exp(l * S - (l * l * n) / 2) * (Math.exp(-(l * l) / (2 * rho * rho)) / (rho * Math.sqrt(2 * Math.PI)));
    }
    return sum * ((2 * lim) / steps);
  };
  let lo = 0;
  let hi = 10 * Math.sqrt(n) + 50;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (mixture(mid) >= 1 / alpha) hi = mid;
    else lo = mid;
  }
  return hi;
}

describe('ratioEstimate (delta method)', () => {
  it('matches the influence-function variance on skewed per-device sums', () => {
    const rand = seededRandom(7);
    const units = Array.from({ length: 300 }, () => {
      const play = 60_000 + rand() * 3_600_000;
      return { num: play * 0.01 * (rand() < 0.2 ? 8 * rand() : rand()), den: play };
    });
    const e = ratioEstimate(units);
    expect(e.n).toBe(300);
    expect(e.ratio).toBeCloseTo(units.reduce((s, u) => s + u.num, 0) / units.reduce((s, u) => s + u.den, 0), 12);
    expect(e.variance! / influenceVariance(units)).toBeCloseTo(1, 9);
  });

  it('with a constant denominator is the variance of a mean, s²/n', () => {
    const ys = [3, 7, 1, 0, 9, 4, 4, 2];
    const e = ratioEstimate(ys.map((y) => ({ num: y, den: 1 })));
    const m = ys.reduce((a, b) => a + b, 0) / ys.length;
    const s2 = ys.reduce((a, y) => a + (y - m) ** 2, 0) / (ys.length - 1);
    expect(e.ratio).toBeCloseTo(m, 12);
    expect(e.variance).toBeCloseTo(s2 / ys.length, 12);
  });

  it('predicts the spread of the ratio over repeated samples (within 10 %)', () => {
    const rand = seededRandom(11);
    const ratios: number[] = [];
    const predicted: number[] = [];
    for (let rep = 0; rep < 1500; rep++) {
      const units = Array.from({ length: 200 }, () => {
        const den = 1 + Math.floor(rand() * 20);
        let num = 0;
        for (let k = 0; k < den; k++) if (rand() < 0.1 + 0.1 * (den / 20)) num += 1;
        return { num, den };
      });
      const e = ratioEstimate(units);
      ratios.push(e.ratio!);
      predicted.push(e.variance!);
    }
    const m = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    const empirical = ratios.reduce((a, r) => a + (r - m) ** 2, 0) / (ratios.length - 1);
    const meanPredicted = predicted.reduce((a, b) => a + b, 0) / predicted.length;
    expect(meanPredicted / empirical).toBeGreaterThan(0.9);
    expect(meanPredicted / empirical).toBeLessThan(1.1);
  });

  it('leaves out units without a denominator and says when there is nothing', () => {
    expect(ratioEstimate([])).toEqual({ ratio: null, variance: null, n: 0 });
    expect(
      ratioEstimate([
        { num: 5, den: 0 },
        { num: 1, den: 2 },
      ]),
    ).toEqual({ ratio: 0.5, variance: null, n: 1 });
  });
});

describe('confidence sequence (normal mixture)', () => {
  it('closed-form boundary equals the mixture martingale boundary computed numerically', () => {
    for (const [n, nStar, alpha] of [
      [50, 1000, 0.05],
      [1000, 1000, 0.05],
      [20_000, 5000, 0.01],
      [300, 10_000, 0.0025],
    ] as const) {
      const rho = mixtureRho(nStar, alpha);
      // Half-width of the mean = boundary on the sum / n (unit variance).
      expect(csHalfWidth(1, n, alpha, rho)).toBeCloseTo(mixtureBoundaryNumeric(n, rho, alpha) / n, 4);
    }
  });

  it('ρ from n* makes the boundary tightest at n*', () => {
    const alpha = 0.05;
    const nStar = 2000;
    const best = csHalfWidth(1, nStar, alpha, mixtureRho(nStar, alpha));
    for (const f of [0.5, 0.8, 1.25, 2])
      expect(csHalfWidth(1, nStar, alpha, mixtureRho(nStar, alpha) * f)).toBeGreaterThan(best * 0.999);
  });

  it('is wider than the fixed-horizon 95 % interval and shrinks like sqrt(log n / n)', () => {
    const rho = mixtureRho(1000, 0.05);
    expect(csHalfWidth(1, 1000, 0.05, rho)).toBeGreaterThan(1.96 / Math.sqrt(1000));
    expect(csHalfWidth(1, 100_000, 0.05, rho)).toBeLessThan(csHalfWidth(1, 1000, 0.05, rho) / 5);
  });

  it('always valid: on null data checked after every 20 devices, it excludes 0 in at most α of the streams (the naive interval does far more)', () => {
    const alpha = 0.05;
    const streams = 1000;
    const rand = seededRandom(2024);
    let csFalse = 0;
    let naiveFalse = 0;
    for (let s = 0; s < streams; s++) {
      const acc = { t: { n: 0, s: 0, ss: 0 }, c: { n: 0, s: 0, ss: 0 } };
      let csHit = false;
      let naiveHit = false;
      for (let i = 1; i <= 3000; i++) {
        const arm = rand() < 0.5 ? acc.t : acc.c;
        // Skewed per-device values (exponential): the asymptotics, not a normal oracle.
        const x = -Math.log(1 - rand());
        arm.n += 1;
        arm.s += x;
        arm.ss += x * x;
        if (i % 20 !== 0 || acc.t.n < 10 || acc.c.n < 10) continue;
        const est = (a: { n: number; s: number; ss: number }) => ({
          est: a.s / a.n,
          variance: (a.ss - (a.s * a.s) / a.n) / (a.n - 1) / a.n,
          n: a.n,
        });
        const t = est(acc.t);
        const c = est(acc.c);
        const ci = diffConfidenceSequence(t, c, alpha, 1000);
        if (ci.lower > 0 || ci.upper < 0) csHit = true;
        if (Math.abs(ci.diff) > 1.96 * ci.se) naiveHit = true;
      }
      if (csHit) csFalse += 1;
      if (naiveHit) naiveFalse += 1;
    }
    const se = Math.sqrt((alpha * (1 - alpha)) / streams);
    expect(csFalse / streams).toBeLessThanOrEqual(alpha + 3 * se);
    expect(naiveFalse / streams).toBeGreaterThan(3 * alpha);
  });

  it('detects a real difference', () => {
    const rand = seededRandom(5);
    const t = Array.from({ length: 2000 }, () => ({ num: 1.2 + normal(rand), den: 1 }));
    const c = Array.from({ length: 2000 }, () => ({ num: 1 + normal(rand), den: 1 }));
    const et = ratioEstimate(t);
    const ec = ratioEstimate(c);
    const ci = diffConfidenceSequence(
      { est: et.ratio!, variance: et.variance!, n: et.n },
      { est: ec.ratio!, variance: ec.variance!, n: ec.n },
      0.05,
      1000,
    );
    expect(ci.lower).toBeGreaterThan(0);
  });
});

describe('sample-ratio mismatch', () => {
  it('χ² p-values match the published table (1 degree of freedom)', () => {
    // Critical values of χ²(1): 3.841 → 0.05, 6.635 → 0.01, 10.828 → 0.001.
    expect(erfc(Math.sqrt(3.841 / 2))).toBeCloseTo(0.05, 4);
    expect(erfc(Math.sqrt(6.635 / 2))).toBeCloseTo(0.01, 4);
    expect(erfc(Math.sqrt(10.828 / 2))).toBeCloseTo(0.001, 5);
  });

  it('flags a split far from the configured one and passes a fair one', () => {
    // 10 % treatment vs 10 % holdback → expected 50/50.
    const fair = srmTest(1010, 990, 10, 10);
    expect(fair.chi2).toBeCloseTo((10 ** 2 / 1000) * 2, 9);
    expect(fair.p).toBeGreaterThan(0.5);
    const skewed = srmTest(1200, 800, 10, 10);
    expect(skewed.chi2).toBeCloseTo(80, 9);
    expect(skewed.p).toBeLessThan(0.001);
    // 25 % treatment vs 5 % holdback → expected share 5/6.
    const r = srmTest(500, 100, 25, 5);
    expect(r.expectedShare).toBeCloseTo(25 / 30, 12);
    expect(r.chi2).toBeCloseTo(0, 9);
  });
});
