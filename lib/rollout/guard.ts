import { alphaPerTest, METRIC_INFO, type Guardrail, type GuardrailMetric, type PlanInput } from './plan';
import { diffConfidenceSequence, ratioEstimate, srmTest, type RatioUnit, type SrmResult } from './stats';

/** One device's playback over the evaluation window (its sessions summed: the device was randomised). */
export interface DeviceAgg {
  playMs: number;
  rebufferMs: number;
  startupSumMs: number;
  startupCount: number;
  sessions: number;
  failedSessions: number;
  /** Σ bitrate_kbps × play_ms, so the average bitrate is play-weighted. */
  bitrateKbpsMs: number;
  bytesCdn: number;
  bytesP2p: number;
}

/** Each guardrail is a ratio Σnum / Σden over devices. */
export function unitOf(metric: GuardrailMetric, d: DeviceAgg): RatioUnit {
  switch (metric) {
    case 'rebuffer_ratio':
      return { num: d.rebufferMs, den: d.playMs + d.rebufferMs };
    case 'startup_ms':
      return { num: d.startupSumMs, den: d.startupCount };
    case 'failure_rate':
      return { num: d.failedSessions, den: d.sessions };
    case 'bitrate_kbps':
      return { num: d.bitrateKbpsMs, den: d.playMs };
  }
}

/** Fewest devices with data per cohort before a guardrail may decide (the CLT needs some). */
export const MIN_DEVICES_PER_METRIC = 50;
/** χ² p-value below which the split is called a data problem. */
export const SRM_P = 0.001;

export interface MetricEvidence {
  metric: GuardrailMetric;
  treatment: number | null;
  control: number | null;
  /** treatment − control and its confidence sequence at this look. */
  diff: number | null;
  lower: number | null;
  upper: number | null;
  /** The difference beyond which it is a regression (signed: positive when higher is worse). */
  threshold: number | null;
  nTreatment: number;
  nControl: number;
  alpha: number;
  status: 'regressed' | 'holds' | 'insufficient';
  words: string;
}

export interface Evidence {
  metrics: MetricEvidence[];
  srm: SrmResult & { flagged: boolean; treatmentDevices: number; controlDevices: number };
  /** P2P share of the treatment's bytes: the benefit, shown beside the guardrails. */
  offload: number | null;
  verdict: { kind: 'regression' | 'srm' | 'ok' | 'insufficient'; why: string; minDevices: number };
}

const fmt = (metric: GuardrailMetric, v: number) =>
  METRIC_INFO[metric].unit === '%'
    ? `${(v * 100).toFixed(2)} %`
    : `${v.toFixed(METRIC_INFO[metric].unit === 'ms' ? 0 : 0)} ${METRIC_INFO[metric].unit}`;
const fmtDiff = (metric: GuardrailMetric, v: number) =>
  METRIC_INFO[metric].unit === '%'
    ? `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)} pp`
    : `${v >= 0 ? '+' : ''}${v.toFixed(0)} ${METRIC_INFO[metric].unit}`;

function metricEvidence(
  g: Guardrail,
  treatment: DeviceAgg[],
  control: DeviceAgg[],
  alpha: number,
  tuning: number,
): MetricEvidence {
  const t = ratioEstimate(treatment.map((d) => unitOf(g.metric, d)));
  const c = ratioEstimate(control.map((d) => unitOf(g.metric, d)));
  const label = METRIC_INFO[g.metric].label;
  const base = { metric: g.metric, treatment: t.ratio, control: c.ratio, nTreatment: t.n, nControl: c.n, alpha };
  if (
    t.n < MIN_DEVICES_PER_METRIC ||
    c.n < MIN_DEVICES_PER_METRIC ||
    t.variance === null ||
    c.variance === null ||
    c.ratio === null ||
    t.ratio === null
  ) {
    return {
      ...base,
      diff: null,
      lower: null,
      upper: null,
      threshold: null,
      status: 'insufficient',
      words: `${label}: too little data to decide (${t.n} treatment and ${c.n} holdback devices; ${MIN_DEVICES_PER_METRIC} each needed).`,
    };
  }
  // Floor the variance with the pooled one (what both cohorts share under "no difference"): a cohort
  // with no failures at all has a sample variance of 0, which would make any failure look significant.
  const pooled = ratioEstimate([...treatment, ...control].map((d) => unitOf(g.metric, d)));
  const unitVar = (pooled.variance ?? 0) * pooled.n;
  const floor = unitVar * (1 / t.n + 1 / c.n);
  const extra = Math.max(0, floor - t.variance - c.variance) / 2;
  const ci = diffConfidenceSequence(
    { est: t.ratio, variance: t.variance + extra, n: t.n },
    { est: c.ratio, variance: c.variance + extra, n: c.n },
    alpha,
    tuning,
  );
  const worseUp = METRIC_INFO[g.metric].worse === 'higher';
  const allowed = g.tolerance.kind === 'relative' ? g.tolerance.value * Math.abs(c.ratio) : g.tolerance.value;
  const threshold = worseUp ? allowed : -allowed;
  // A regression only when the whole sequence lies beyond the tolerated difference on the bad side.
  const regressed = worseUp ? ci.lower > threshold : ci.upper < threshold;
  const band = `${fmtDiff(g.metric, ci.diff)} [${fmtDiff(g.metric, ci.lower)}, ${fmtDiff(g.metric, ci.upper)}]`;
  return {
    ...base,
    diff: ci.diff,
    lower: ci.lower,
    upper: ci.upper,
    threshold,
    status: regressed ? 'regressed' : 'holds',
    words: regressed
      ? `${label}: p2p ${fmt(g.metric, t.ratio)} vs holdback ${fmt(g.metric, c.ratio)}, difference ${band} is entirely beyond the tolerated ${fmtDiff(g.metric, threshold)}.`
      : `${label}: p2p ${fmt(g.metric, t.ratio)} vs holdback ${fmt(g.metric, c.ratio)}, difference ${band}; no regression beyond ${fmtDiff(g.metric, threshold)} shown.`,
  };
}

/**
 * The guardrails of one plan at one look: treatment and holdback devices of the class (cohorts as the
 * server computed them), the configured split, and the plan's error budget per guardrail and stage.
 */
export function evaluateGuardrails(input: {
  plan: Pick<PlanInput, 'alpha' | 'guardrails' | 'stages' | 'tuningDevices'>;
  treatment: DeviceAgg[];
  control: DeviceAgg[];
  treatmentPct: number;
  holdbackPct: number;
}): Evidence {
  const alpha = alphaPerTest(input.plan);
  const metrics = input.plan.guardrails.map((g) =>
    metricEvidence(g, input.treatment, input.control, alpha, input.plan.tuningDevices),
  );
  const nT = input.treatment.length;
  const nC = input.control.length;
  const srm = srmTest(nT, nC, input.treatmentPct, input.holdbackPct);
  const flagged = nT + nC >= 2 * MIN_DEVICES_PER_METRIC && srm.p < SRM_P;
  const cdn = input.treatment.reduce((s, d) => s + d.bytesCdn, 0);
  const p2p = input.treatment.reduce((s, d) => s + d.bytesP2p, 0);
  const minDevices = Math.min(nT, nC);
  let verdict: Evidence['verdict'];
  const regressed = metrics.filter((m) => m.status === 'regressed');
  if (flagged) {
    verdict = {
      kind: 'srm',
      why: `Sample-ratio mismatch (data problem, not a regression): ${nT} p2p vs ${nC} holdback devices, expected a ${(srm.expectedShare * 100).toFixed(1)} % p2p share, χ² = ${srm.chi2.toFixed(1)}, p = ${srm.p.toExponential(1)}.`,
      minDevices,
    };
  } else if (regressed.length) {
    verdict = { kind: 'regression', why: regressed.map((m) => m.words).join(' '), minDevices };
  } else if (metrics.some((m) => m.status === 'insufficient')) {
    verdict = {
      kind: 'insufficient',
      why: metrics
        .filter((m) => m.status === 'insufficient')
        .map((m) => m.words)
        .join(' '),
      minDevices,
    };
  } else {
    verdict = { kind: 'ok', why: 'Every guardrail holds.', minDevices };
  }
  return {
    metrics,
    srm: { ...srm, flagged, treatmentDevices: nT, controlDevices: nC },
    offload: cdn + p2p > 0 ? p2p / (cdn + p2p) : null,
    verdict,
  };
}
