import { bucketOf, thresholds } from '../lib/rollout/evaluate';
import { evaluateGuardrails, type DeviceAgg, type Evidence } from '../lib/rollout/guard';
import { nextStep, type PlanInput } from '../lib/rollout/plan';
import { defaultRule, type DeviceClass } from '../lib/rollout/rule';
import { Rng } from './random';

/**
 * Guarded-rollout simulation: one device class's fleet watching sessions, bucketed exactly as OFREP
 * buckets them, its per-device playback summed as the server's evaluator sums it, and the plan driven
 * by the same guardrail and stage logic (lib/rollout/guard.ts, plan.ts). Sessions are generated in
 * memory (no HTTP) so hundreds of plans run in seconds.
 */

export interface Fault {
  /** The p2p cohort rebuffers this many per cent more than it would. */
  rebufferExtraPct?: number;
  /** The p2p cohort starts up this many per cent slower. */
  startupExtraPct?: number;
}

export interface Misreport {
  /** Share of p2p devices whose client reports cohort "control" (e.g. a buggy client version). */
  p2pReportsControlShare: number;
}

export interface PlanSimOptions {
  seed: number;
  /** Devices of the class (each watches now and then). */
  devices: number;
  plan: PlanInput;
  fault?: Fault;
  misreport?: Misreport;
  /** Minutes between evaluator looks. */
  lookMinutes?: number;
  /** Give up after this many simulated minutes. */
  maxMinutes?: number;
  /** Chance a device starts a session in a given minute. */
  sessionStartPerMinute?: number;
}

export interface PlanSimResult {
  outcome: 'completed' | 'held' | 'rolled_back' | 'running';
  /** Simulated minutes from the plan's start to the outcome. */
  minutes: number;
  /** Stage index (0-based) where it ended. */
  stage: number;
  /** The automatic action came from the sample-ratio check. */
  srm: boolean;
  /** Devices whose reported cohort disagreed with the recomputed one (excluded). */
  mismatches: number;
  evidence: Evidence | null;
}

interface SimDevice {
  id: string;
  bucket: number;
  rebufferRate: number;
  startupMedianMs: number;
  failP: number;
  bitrateKbps: number;
}

function emptyAgg(): DeviceAgg {
  return {
    playMs: 0,
    rebufferMs: 0,
    startupSumMs: 0,
    startupCount: 0,
    sessions: 0,
    failedSessions: 0,
    bitrateKbpsMs: 0,
    bytesCdn: 0,
    bytesP2p: 0,
  };
}

/** Run one plan from stage 1 until it completes, is held or rolled back, or time runs out. */
export function simulatePlan(o: PlanSimOptions): PlanSimResult {
  const rng = new Rng(o.seed);
  const cls: DeviceClass = o.plan.deviceClass;
  const salt = `${cls}-sim-${o.seed}`;
  const look = o.lookMinutes ?? 5;
  const maxMinutes = o.maxMinutes ?? 24 * 60;
  const startP = o.sessionStartPerMinute ?? 0.004;
  const devices: SimDevice[] = Array.from({ length: o.devices }, (_, i) => {
    const id = `${cls}-${o.seed}-${i}`;
    return {
      id,
      bucket: bucketOf(salt, id),
      // Heterogeneous devices (networks, models): the per-device grouping is what the delta method is for.
      rebufferRate: rng.logNormal(0.008, 0.8),
      startupMedianMs: rng.logNormal(1100, 0.35),
      failP: Math.min(0.5, rng.logNormal(0.008, 0.6)),
      bitrateKbps: rng.logNormal(4200, 0.25),
    };
  });
  const rule = { ...defaultRule(cls), state: 'enabled' as const, holdbackPercentage: o.plan.holdbackPercentage };
  let stage = 0;
  let stageStart = 0;
  let aggs: ({ agg: DeviceAgg; reported: 'p2p' | 'control' } | undefined)[] = new Array(devices.length);
  let mismatches = 0;
  let last: Evidence | null = null;
  // Sessions are drawn once per look period (at most one per device per period).
  const startPerLook = 1 - (1 - startP) ** look;
  for (let t = look - 1; t < maxMinutes; t += look) {
    const pct = o.plan.stages[stage]!.percentage;
    const th = thresholds({ ...rule, percentage: pct });
    for (let i = 0; i < devices.length; i++) {
      const d = devices[i]!;
      if (rng.next() >= startPerLook) continue;
      const cohort = d.bucket < th.treatment ? 'p2p' : d.bucket >= th.holdbackFrom ? 'control' : 'off';
      if (cohort === 'off') continue;
      const p2p = cohort === 'p2p';
      const playMs = Math.round(rng.logNormal(18, 0.7) * 60_000);
      let rebufferMs = playMs * d.rebufferRate * rng.logNormal(1, 0.5);
      if (p2p && o.fault?.rebufferExtraPct) rebufferMs *= 1 + o.fault.rebufferExtraPct / 100;
      let startup = rng.logNormal(d.startupMedianMs, 0.3);
      if (p2p && o.fault?.startupExtraPct) startup *= 1 + o.fault.startupExtraPct / 100;
      const failed = rng.chance(d.failP);
      const reported = p2p && o.misreport && rng.chance(o.misreport.p2pReportsControlShare) ? 'control' : cohort;
      let e = aggs[i];
      if (!e) {
        e = { agg: emptyAgg(), reported };
        aggs[i] = e;
      }
      const a = e.agg;
      a.playMs += playMs;
      a.rebufferMs += Math.round(rebufferMs);
      a.startupSumMs += Math.round(startup);
      a.startupCount += 1;
      a.sessions += 1;
      a.failedSessions += failed ? 1 : 0;
      a.bitrateKbpsMs += d.bitrateKbps * playMs;
      const bytes = (d.bitrateKbps * playMs) / 8;
      a.bytesP2p += p2p ? bytes * 0.6 : 0;
      a.bytesCdn += p2p ? bytes * 0.4 : bytes;
      if (reported !== cohort) e.reported = reported;
    }
    // The server's view: cohort recomputed from the bucket; a device whose report disagrees is excluded.
    const treatment: DeviceAgg[] = [];
    const control: DeviceAgg[] = [];
    mismatches = 0;
    for (let i = 0; i < devices.length; i++) {
      const d = devices[i]!;
      const e = aggs[i];
      if (!e) continue;
      const cohort = d.bucket < th.treatment ? 'p2p' : 'control';
      if (e.reported !== cohort) {
        mismatches += 1;
        continue;
      }
      (cohort === 'p2p' ? treatment : control).push(e.agg);
    }
    last = evaluateGuardrails({
      plan: o.plan,
      treatment,
      control,
      treatmentPct: pct,
      holdbackPct: o.plan.holdbackPercentage,
    });
    const step = nextStep(o.plan, stage, t + 1 - stageStart, last.verdict);
    const done = (outcome: PlanSimResult['outcome']): PlanSimResult => ({
      outcome,
      minutes: t + 1,
      stage,
      srm: last!.verdict.kind === 'srm',
      mismatches,
      evidence: last,
    });
    if (step.kind === 'hold') return done('held');
    if (step.kind === 'rollback') return done('rolled_back');
    if (step.kind === 'complete') return done('completed');
    if (step.kind === 'advance') {
      stage = step.toStage;
      stageStart = t + 1;
      // A new stage is judged on its own data: the treatment changed.
      aggs = new Array(devices.length);
    }
  }
  return { outcome: 'running', minutes: maxMinutes, stage, srm: false, mismatches, evidence: last };
}

/** The plan the simulations run: the example ladder with a 10 % holdback. */
export function examplePlan(cls: DeviceClass = 'smart_tv'): PlanInput {
  return {
    deviceClass: cls,
    mode: 'download',
    uploadCapKbps: 0,
    maxPeers: 8,
    holdbackPercentage: 10,
    stages: [1, 5, 10, 25, 50, 90].map((percentage) => ({
      percentage,
      minDurationMinutes: 30,
      minDevicesPerCohort: 100,
    })),
    onRegression: 'hold',
    alpha: 0.05,
    guardrails: [
      { metric: 'rebuffer_ratio', tolerance: { kind: 'absolute', value: 0.002 } },
      { metric: 'startup_ms', tolerance: { kind: 'relative', value: 0.1 } },
      { metric: 'failure_rate', tolerance: { kind: 'absolute', value: 0.005 } },
      { metric: 'bitrate_kbps', tolerance: { kind: 'relative', value: 0.05 } },
    ],
    tuningDevices: 2000,
  };
}
