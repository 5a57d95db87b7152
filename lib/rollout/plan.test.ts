import { describe, expect, it } from 'vitest';
import { alphaPerTest, nextStep, PlanInput, planIssues } from './plan';
import { defaultCapabilities } from './rule';

const base = (over: Partial<PlanInput> = {}): PlanInput =>
  PlanInput.parse({
    deviceClass: 'smart_tv',
    mode: 'download',
    uploadCapKbps: 0,
    maxPeers: 8,
    holdbackPercentage: 10,
    stages: [1, 5, 10, 25, 50, 90].map((percentage) => ({
      percentage,
      minDurationMinutes: 30,
      minDevicesPerCohort: 100,
    })),
    ...over,
  });

describe('plan validation', () => {
  it('accepts the example ladder and fills the defaults', () => {
    const p = base();
    expect(planIssues(p, defaultCapabilities('smart_tv'))).toEqual([]);
    expect(p.alpha).toBe(0.05);
    expect(p.guardrails.map((g) => g.metric)).toEqual(['rebuffer_ratio', 'startup_ms', 'failure_rate', 'bitrate_kbps']);
    expect(p.onRegression).toBe('hold');
  });

  it('names the field: stages that do not rise, no holdback, too much, beyond the class', () => {
    const stages = [5, 5, 3].map((percentage) => ({ percentage, minDurationMinutes: 10, minDevicesPerCohort: 50 }));
    expect(planIssues(base({ stages }), defaultCapabilities('smart_tv')).map((i) => i.path)).toEqual([
      'stages.1.percentage',
      'stages.2.percentage',
    ]);
    expect(planIssues(base({ holdbackPercentage: 0 }), defaultCapabilities('smart_tv'))).toEqual([
      { path: 'holdbackPercentage', message: expect.stringMatching(/no control/) },
    ]);
    const over = planIssues(base({ holdbackPercentage: 15 }), defaultCapabilities('smart_tv'));
    expect(over).toEqual([
      { path: 'stages.5.percentage', message: 'The last stage (90 %) plus the holdback (15 %) exceeds 100 %.' },
    ]);
    const mobile = planIssues(
      base({ deviceClass: 'mobile', mode: 'full', uploadCapKbps: 500, maxPeers: 20 }),
      defaultCapabilities('mobile'),
    );
    expect(mobile.map((i) => i.path)).toEqual(['mode', 'uploadCapKbps', 'maxPeers']);
  });

  it('splits α over guardrails and stages', () => {
    expect(alphaPerTest(base())).toBeCloseTo(0.05 / (4 * 6), 12);
  });
});

describe('nextStep', () => {
  const plan = base({ onRegression: 'rollback_previous' });
  const ok = { kind: 'ok' as const, why: 'ok', minDevices: 500 };
  it('waits for the stage minimum time, then the sample, then advances; completes at the last stage', () => {
    expect(nextStep(plan, 0, 10, ok)).toMatchObject({ kind: 'wait', why: 'stage 1 has run 10 of 30 min' });
    expect(nextStep(plan, 0, 30, { ...ok, minDevices: 40 })).toMatchObject({
      kind: 'wait',
      why: '40 of 100 devices in the smaller cohort',
    });
    expect(
      nextStep(plan, 0, 30, { kind: 'insufficient', why: 'Start-up time: too little data', minDevices: 200 }),
    ).toMatchObject({ kind: 'wait' });
    expect(nextStep(plan, 0, 30, ok)).toEqual({ kind: 'advance', toStage: 1 });
    expect(nextStep(plan, 5, 30, ok)).toEqual({ kind: 'complete' });
  });
  it('a regression holds or rolls back as the plan says, before the minimum time; SRM always holds', () => {
    const bad = { kind: 'regression' as const, why: 'worse', minDevices: 10 };
    expect(nextStep(plan, 3, 1, bad)).toEqual({ kind: 'rollback', toStage: 2, why: 'worse' });
    expect(nextStep(plan, 0, 1, bad)).toEqual({ kind: 'rollback', toStage: null, why: 'worse' });
    expect(nextStep(base({ onRegression: 'rollback_zero' }), 3, 1, bad)).toEqual({
      kind: 'rollback',
      toStage: null,
      why: 'worse',
    });
    expect(nextStep(base(), 3, 1, bad)).toEqual({ kind: 'hold', why: 'worse' });
    expect(nextStep(plan, 3, 1, { kind: 'srm', why: 'split', minDevices: 10 })).toEqual({ kind: 'hold', why: 'split' });
  });
});
