import { describe, expect, it } from 'vitest';
import { examplePlan, simulatePlan } from './guardrails';

const strict = () => ({
  ...examplePlan(),
  guardrails: examplePlan().guardrails.map((g) => ({ ...g, tolerance: { ...g.tolerance, value: 0 } })),
});

describe('guarded rollout simulation', () => {
  it(
    'A/A: of 100 plans with no fault, at zero tolerance, the share held stays within α + 2·SE',
    { timeout: 180_000 },
    () => {
      const plan = strict();
      const rs = Array.from({ length: 100 }, (_, i) => simulatePlan({ seed: 500 + i, devices: 20_000, plan }));
      const held = rs.filter((r) => r.outcome !== 'completed' && r.outcome !== 'running').length;
      // The plans really ran through their stages (a stuck plan would hold nothing and prove nothing).
      expect(rs.filter((r) => r.outcome === 'completed').length).toBeGreaterThanOrEqual(90);
      expect(held / rs.length).toBeLessThanOrEqual(0.05 + 2 * Math.sqrt((0.05 * 0.95) / 100));
    },
  );

  it('a p2p cohort that rebuffers twice as much is held on the rebuffer guardrail, not on SRM', () => {
    for (const seed of [1, 2, 3]) {
      const r = simulatePlan({ seed, devices: 20_000, plan: examplePlan(), fault: { rebufferExtraPct: 100 } });
      expect(r.outcome).toBe('held');
      expect(r.srm).toBe(false);
      expect(r.evidence!.metrics.find((m) => m.metric === 'rebuffer_ratio')!.status).toBe('regressed');
    }
  });

  it('rollback_previous rolls back instead of holding', () => {
    const r = simulatePlan({
      seed: 4,
      devices: 20_000,
      plan: { ...examplePlan(), onRegression: 'rollback_previous' },
      fault: { rebufferExtraPct: 100 },
    });
    expect(r.outcome).toBe('rolled_back');
  });

  it('clients misreporting their cohort are excluded, and the lopsided split fires SRM', () => {
    const r = simulatePlan({
      seed: 9,
      devices: 20_000,
      plan: examplePlan(),
      misreport: { p2pReportsControlShare: 0.2 },
    });
    expect(r.outcome).toBe('held');
    expect(r.srm).toBe(true);
    expect(r.mismatches).toBeGreaterThan(0);
    expect(r.evidence!.verdict.why).toMatch(/Sample-ratio mismatch/);
  });
});
