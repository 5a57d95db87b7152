import { z } from 'zod';
import { DeviceClass, type Capabilities } from './rule';

/** Guarded rollout plans: staged exposure of one device class, checked against its holdback. */

export const GUARDRAIL_METRICS = ['rebuffer_ratio', 'startup_ms', 'failure_rate', 'bitrate_kbps'] as const;
export const GuardrailMetric = z.enum(GUARDRAIL_METRICS);
export type GuardrailMetric = z.infer<typeof GuardrailMetric>;

export const METRIC_INFO: Record<GuardrailMetric, { label: string; unit: string; worse: 'higher' | 'lower' }> = {
  rebuffer_ratio: { label: 'Rebuffer ratio', unit: '%', worse: 'higher' },
  startup_ms: { label: 'Start-up time', unit: 'ms', worse: 'higher' },
  failure_rate: { label: 'Playback failure rate', unit: '%', worse: 'higher' },
  bitrate_kbps: { label: 'Average bitrate', unit: 'kbps', worse: 'lower' },
};

export const Guardrail = z.object({
  metric: GuardrailMetric,
  /** How much worse the treatment may be before it counts as a regression. */
  tolerance: z.object({
    kind: z.enum(['relative', 'absolute']),
    /** relative: a fraction of the control's value (0.1 = 10 %); absolute: in the metric's own unit (ratios as fractions). */
    value: z.number().min(0).max(1_000_000),
  }),
});
export type Guardrail = z.infer<typeof Guardrail>;

/** Defaults an admin can change per plan: small regressions viewers would not notice are tolerated. */
export const DEFAULT_GUARDRAILS: Guardrail[] = [
  { metric: 'rebuffer_ratio', tolerance: { kind: 'absolute', value: 0.002 } },
  { metric: 'startup_ms', tolerance: { kind: 'relative', value: 0.1 } },
  { metric: 'failure_rate', tolerance: { kind: 'absolute', value: 0.005 } },
  { metric: 'bitrate_kbps', tolerance: { kind: 'relative', value: 0.05 } },
];

export const PlanStage = z.object({
  /** Share of the class in the treatment (p2p) at this stage, 0.01 steps. */
  percentage: z.number().min(0.01).max(100),
  minDurationMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  /** Devices with playback needed in each cohort (treatment and holdback) before the stage may end. */
  minDevicesPerCohort: z.number().int().min(10).max(10_000_000),
});
export type PlanStage = z.infer<typeof PlanStage>;

export const OnRegression = z.enum(['hold', 'rollback_previous', 'rollback_zero']);
export type OnRegression = z.infer<typeof OnRegression>;

export const PlanInput = z.object({
  deviceClass: DeviceClass,
  mode: z.enum(['download', 'full']),
  uploadCapKbps: z.number().int().min(0).max(1_000_000),
  maxPeers: z.number().int().min(0).max(1000),
  holdbackPercentage: z.number().min(0).max(50),
  stages: z.array(PlanStage).min(1).max(12),
  onRegression: OnRegression.default('hold'),
  /** False-alarm rate for the whole plan: every guardrail and every stage together. */
  alpha: z.number().min(0.001).max(0.2).default(0.05),
  guardrails: z.array(Guardrail).min(1).max(GUARDRAIL_METRICS.length).default(DEFAULT_GUARDRAILS),
  /** Devices (both cohorts) at which the confidence sequence is tightest. */
  tuningDevices: z.number().int().min(100).max(10_000_000).default(2000),
});
export type PlanInput = z.infer<typeof PlanInput>;

export interface PlanIssue {
  path: string;
  message: string;
}

const pct = (v: number) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6;

/** Everything wrong with a plan for its class, each naming the field to fix; empty when it is fine. */
export function planIssues(plan: PlanInput, caps: Capabilities): PlanIssue[] {
  const out: PlanIssue[] = [];
  if (!(plan.holdbackPercentage > 0))
    out.push({
      path: 'holdbackPercentage',
      message: 'A holdback above 0 % is needed: without it there is no control to compare the treatment with.',
    });
  if (!pct(plan.holdbackPercentage))
    out.push({ path: 'holdbackPercentage', message: 'The holdback goes in steps of 0.01 %.' });
  plan.stages.forEach((s, i) => {
    if (!pct(s.percentage))
      out.push({ path: `stages.${i}.percentage`, message: 'Stage percentages go in steps of 0.01 %.' });
    if (i > 0 && !(s.percentage > plan.stages[i - 1]!.percentage))
      out.push({
        path: `stages.${i}.percentage`,
        message: `Stages must rise: stage ${i + 1} (${s.percentage} %) is not above stage ${i} (${plan.stages[i - 1]!.percentage} %).`,
      });
  });
  const last = plan.stages[plan.stages.length - 1]!;
  if (last.percentage + plan.holdbackPercentage > 100 + 1e-9)
    out.push({
      path: `stages.${plan.stages.length - 1}.percentage`,
      message: `The last stage (${last.percentage} %) plus the holdback (${plan.holdbackPercentage} %) exceeds 100 %.`,
    });
  if (plan.mode === 'full' && !caps.mayUpload)
    out.push({
      path: 'mode',
      message: `${plan.deviceClass} may not upload, so mode "full" is not allowed (use "download").`,
    });
  if (plan.uploadCapKbps > caps.maxUploadCapKbps)
    out.push({
      path: 'uploadCapKbps',
      message: `${plan.uploadCapKbps} kbps exceeds ${plan.deviceClass}'s limit of ${caps.maxUploadCapKbps} kbps.`,
    });
  if (plan.maxPeers > caps.maxPeers)
    out.push({
      path: 'maxPeers',
      message: `${plan.maxPeers} exceeds ${plan.deviceClass}'s limit of ${caps.maxPeers} peers.`,
    });
  const seen = new Set<string>();
  plan.guardrails.forEach((g, i) => {
    if (seen.has(g.metric)) out.push({ path: `guardrails.${i}.metric`, message: `${g.metric} is listed twice.` });
    seen.add(g.metric);
    if (g.tolerance.kind === 'relative' && g.tolerance.value > 10)
      out.push({
        path: `guardrails.${i}.tolerance.value`,
        message: 'A relative tolerance is a fraction (0.1 = 10 %), at most 10.',
      });
  });
  return out;
}

/**
 * The error budget of one guardrail at one stage. A confidence sequence is valid over every look,
 * so only guardrails × stages share α (Bonferroni): the chance of any false alarm in the whole plan
 * is at most α, however often the evaluator checks.
 */
export function alphaPerTest(plan: Pick<PlanInput, 'alpha' | 'guardrails' | 'stages'>): number {
  return plan.alpha / (plan.guardrails.length * plan.stages.length);
}

export const PLAN_STATUSES = [
  'pending_approval',
  'running',
  'paused',
  'held',
  'rolled_back',
  'stopped',
  'completed',
  'rejected',
  'cancelled',
] as const;
export const PlanStatus = z.enum(PLAN_STATUSES);
export type PlanStatus = z.infer<typeof PlanStatus>;

/** What the evaluator should do next for a running plan at one look. */
export type StepAction =
  | { kind: 'wait'; why: string }
  | { kind: 'advance'; toStage: number }
  | { kind: 'complete' }
  | { kind: 'hold'; why: string }
  | { kind: 'rollback'; toStage: number | null; why: string };

/** The decision for a stage, given the guardrail verdict and how long and how much the stage has run. */
export function nextStep(
  plan: Pick<PlanInput, 'stages' | 'onRegression'>,
  stageIndex: number,
  stageMinutes: number,
  verdict: { kind: 'regression' | 'srm' | 'ok' | 'insufficient'; why: string; minDevices: number },
): StepAction {
  if (verdict.kind === 'srm') return { kind: 'hold', why: verdict.why };
  if (verdict.kind === 'regression') {
    if (plan.onRegression === 'hold') return { kind: 'hold', why: verdict.why };
    if (plan.onRegression === 'rollback_previous' && stageIndex > 0)
      return { kind: 'rollback', toStage: stageIndex - 1, why: verdict.why };
    return { kind: 'rollback', toStage: null, why: verdict.why };
  }
  const stage = plan.stages[stageIndex]!;
  if (stageMinutes < stage.minDurationMinutes)
    return {
      kind: 'wait',
      why: `stage ${stageIndex + 1} has run ${Math.floor(stageMinutes)} of ${stage.minDurationMinutes} min`,
    };
  if (verdict.minDevices < stage.minDevicesPerCohort)
    return { kind: 'wait', why: `${verdict.minDevices} of ${stage.minDevicesPerCohort} devices in the smaller cohort` };
  if (verdict.kind === 'insufficient') return { kind: 'wait', why: verdict.why };
  if (stageIndex + 1 >= plan.stages.length) return { kind: 'complete' };
  return { kind: 'advance', toStage: stageIndex + 1 };
}
