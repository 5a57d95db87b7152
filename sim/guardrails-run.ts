import { examplePlan, simulatePlan, type PlanSimOptions, type PlanSimResult } from './guardrails';
import type { PlanInput } from '../lib/rollout/plan';

/**
 * `npm run sim:guardrails`: the figures the README quotes for guarded rollouts.
 * Options: --devices N (class fleet size, default 50 000), --plans N (A/A plans, default 200).
 */
function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const devices = arg('devices', 50_000);
const plans = arg('plans', 200);
const faultPlans = arg('fault-plans', 40);

function run(n: number, seed0: number, o: Omit<PlanSimOptions, 'seed'>): PlanSimResult[] {
  return Array.from({ length: n }, (_, i) => simulatePlan({ ...o, seed: seed0 + i }));
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function aa(label: string, plan: PlanInput) {
  const t0 = Date.now();
  const rs = run(plans, 1, { devices, plan });
  const held = rs.filter((r) => r.outcome === 'held' || r.outcome === 'rolled_back');
  const srm = held.filter((r) => r.srm).length;
  const share = held.length / rs.length;
  const se = Math.sqrt((plan.alpha * (1 - plan.alpha)) / rs.length);
  console.log(
    `A/A ${label}: ${rs.length} plans × ${devices.toLocaleString('en')} devices, no fault → ${held.length} held (${pct(share)}; ${held.length - srm} guardrail, ${srm} SRM), ` +
      `${rs.filter((r) => r.outcome === 'completed').length} completed; bound α + 2·SE = ${pct(plan.alpha + 2 * se)} → ${share <= plan.alpha + 2 * se ? 'within' : 'EXCEEDED'} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );
}

function fault(label: string, o: Pick<PlanSimOptions, 'fault' | 'misreport'>, expectSrm: boolean) {
  const rs = run(faultPlans, 10_001, { devices, plan: examplePlan(), ...o });
  const caught = rs.filter((r) => (r.outcome === 'held' || r.outcome === 'rolled_back') && r.srm === expectSrm);
  const mins = caught.map((r) => r.minutes);
  const stages = caught.map((r) => examplePlan().stages[r.stage]!.percentage);
  console.log(
    `${label}: ${caught.length}/${rs.length} plans ${expectSrm ? 'held for SRM' : 'held on a guardrail'}; minutes from plan start median ${quantile(mins, 0.5)}, 90th pct ${quantile(mins, 0.9)}, max ${Math.max(...mins)}; ` +
      `stage reached median ${quantile(stages, 0.5)} %` +
      (expectSrm
        ? `; cohort mismatches excluded at the hold: median ${quantile(
            caught.map((r) => r.mismatches),
            0.5,
          )}`
        : ''),
  );
}

console.log(
  `Guarded rollout simulation: class fleet ${devices.toLocaleString('en')} devices, stages 1→5→10→25→50→90 % (≥ 30 min and ≥ 100 devices per cohort each), holdback 10 %, looks every 5 min, α = 5 % per plan`,
);
aa('default tolerances', examplePlan());
aa('zero tolerance (any significant regression)', {
  ...examplePlan(),
  guardrails: examplePlan().guardrails.map((g) => ({ ...g, tolerance: { ...g.tolerance, value: 0 } })),
});
fault('Fault: p2p rebuffers 50 % more', { fault: { rebufferExtraPct: 50 } }, false);
fault('Fault: p2p rebuffers 100 % more', { fault: { rebufferExtraPct: 100 } }, false);
fault('Fault: p2p starts up 30 % slower', { fault: { startupExtraPct: 30 } }, false);
fault('Misreport: 20 % of p2p devices report cohort "control"', { misreport: { p2pReportsControlShare: 0.2 } }, true);
