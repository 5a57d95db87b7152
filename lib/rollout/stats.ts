/**
 * Statistics for guarded rollouts, pure and browser-safe.
 *
 * - Ratio metrics per randomisation unit (the device): Σy / Σx over a cohort's devices, with the
 *   delta-method variance, so a device with many sessions is not counted as many independent units.
 * - An asymptotic confidence sequence (Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas, "Time-uniform
 *   central limit theory and asymptotic confidence sequences", 2021, Thm 2.2; the normal-mixture
 *   boundary of Howard et al. 2021), valid at every look simultaneously: the chance that it ever
 *   excludes the true difference, however often it is checked, is at most α (asymptotically).
 * - A χ² sample-ratio-mismatch test of the observed device split against the configured one.
 */

/** One randomisation unit's sums for a ratio metric: the metric of a cohort is Σnum / Σden. */
export interface RatioUnit {
  num: number;
  den: number;
}

export interface RatioEstimate {
  /** Σnum / Σden, null when no unit has a denominator. */
  ratio: number | null;
  /** Delta-method variance of the ratio estimator (not of one unit). */
  variance: number | null;
  /** Units with den > 0 (the sample size that counts). */
  n: number;
}

/**
 * Delta method for R = ȳ / x̄ over n units: Var(R) ≈ (s²_y − 2R s_xy + R² s²_x) / (n x̄²), with the
 * sample (n − 1) moments. Units without a denominator carry no information and are left out.
 */
export function ratioEstimate(units: readonly RatioUnit[]): RatioEstimate {
  let n = 0;
  let sy = 0;
  let sx = 0;
  for (const u of units) {
    if (!(u.den > 0)) continue;
    n += 1;
    sy += u.num;
    sx += u.den;
  }
  if (n === 0) return { ratio: null, variance: null, n: 0 };
  const ratio = sy / sx;
  if (n < 2) return { ratio, variance: null, n };
  const my = sy / n;
  const mx = sx / n;
  let vyy = 0;
  let vxx = 0;
  let vxy = 0;
  for (const u of units) {
    if (!(u.den > 0)) continue;
    const dy = u.num - my;
    const dx = u.den - mx;
    vyy += dy * dy;
    vxx += dx * dx;
    vxy += dx * dy;
  }
  vyy /= n - 1;
  vxx /= n - 1;
  vxy /= n - 1;
  const variance = Math.max(0, (vyy - 2 * ratio * vxy + ratio * ratio * vxx) / (n * mx * mx));
  return { ratio, variance, n };
}

/**
 * The mixture parameter ρ that makes the boundary tightest when the total sample reaches `nStar`
 * (Waudby-Smith et al. 2021, eq. after Thm 2.2): ρ² = (−2 log α + log(−2 log α + 1)) / n*.
 */
export function mixtureRho(nStar: number, alpha: number): number {
  const l = -2 * Math.log(alpha);
  return Math.sqrt((l + Math.log(l + 1)) / nStar);
}

/**
 * Half-width of the two-sided asymptotic confidence sequence for a mean of n i.i.d. units with
 * standard deviation σ: σ · sqrt( 2(nρ² + 1)/(n²ρ²) · log( sqrt(nρ² + 1)/α ) ).
 */
export function csHalfWidth(sigma: number, n: number, alpha: number, rho: number): number {
  const r2 = rho * rho;
  return sigma * Math.sqrt(((2 * (n * r2 + 1)) / (n * n * r2)) * Math.log(Math.sqrt(n * r2 + 1) / alpha));
}

export interface DiffInterval {
  /** treatment − control */
  diff: number;
  lower: number;
  upper: number;
  /** Standard error of the difference (fixed-horizon), for display. */
  se: number;
}

/**
 * Confidence sequence for a difference of two estimators with variances vT, vC from nT + nC units.
 * The difference behaves like a mean of N = nT + nC units whose variance is N·(vT + vC) (the
 * two-sample reduction GrowthBook and Eppo use), so the boundary is the one-sample one at N.
 */
export function diffConfidenceSequence(
  t: { est: number; variance: number; n: number },
  c: { est: number; variance: number; n: number },
  alpha: number,
  nStar: number,
): DiffInterval {
  const N = t.n + c.n;
  const v = t.variance + c.variance;
  const sigma = Math.sqrt(v * N);
  const half = csHalfWidth(sigma, N, alpha, mixtureRho(nStar, alpha));
  const diff = t.est - c.est;
  return { diff, lower: diff - half, upper: diff + half, se: Math.sqrt(v) };
}

/** Complementary error function (Numerical Recipes' erfcc, |relative error| < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export interface SrmResult {
  chi2: number;
  /** Upper-tail p-value of χ² with 1 degree of freedom. */
  p: number;
  /** The treatment share the configuration asks for (of treatment + control). */
  expectedShare: number;
  observedShare: number | null;
}

/**
 * Sample-ratio mismatch: observed devices in treatment and control against the configured
 * split (χ², 1 degree of freedom: p = erfc(sqrt(χ²/2))).
 */
export function srmTest(nT: number, nC: number, treatmentPct: number, controlPct: number): SrmResult {
  const total = nT + nC;
  const expectedShare = treatmentPct + controlPct > 0 ? treatmentPct / (treatmentPct + controlPct) : 0;
  if (total === 0 || expectedShare <= 0 || expectedShare >= 1)
    return { chi2: 0, p: 1, expectedShare, observedShare: total ? nT / total : null };
  const eT = total * expectedShare;
  const eC = total - eT;
  const chi2 = (nT - eT) ** 2 / eT + (nC - eC) ** 2 / eC;
  return { chi2, p: Math.min(1, erfc(Math.sqrt(chi2 / 2))), expectedShare, observedShare: nT / total };
}

/** mulberry32: a small seeded PRNG so simulations and tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller) from a uniform source. */
export function normal(rand: () => number): number {
  let u = 0;
  while (u === 0) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
