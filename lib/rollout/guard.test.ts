import { describe, expect, it } from 'vitest';
import { evaluateGuardrails, type DeviceAgg } from './guard';
import { PlanInput } from './plan';
import { seededRandom } from './stats';

const plan = PlanInput.parse({
  deviceClass: 'smart_tv',
  mode: 'download',
  uploadCapKbps: 0,
  maxPeers: 8,
  holdbackPercentage: 10,
  stages: [{ percentage: 10, minDurationMinutes: 30, minDevicesPerCohort: 100 }],
});

function devices(n: number, seed: number, rebufferRate: number): DeviceAgg[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const playMs = 600_000 + Math.floor(rand() * 3_000_000);
    const sessions = 1 + Math.floor(rand() * 3);
    return {
      playMs,
      rebufferMs: Math.round(playMs * rebufferRate * 2 * rand()),
      startupSumMs: sessions * (800 + Math.floor(rand() * 800)),
      startupCount: sessions,
      sessions,
      failedSessions: rand() < 0.02 ? 1 : 0,
      bitrateKbpsMs: playMs * 4000,
      bytesCdn: 1000,
      bytesP2p: 3000,
    };
  });
}

describe('evaluateGuardrails', () => {
  it('reports each cohort as Σ over its devices and flags a clear rebuffer regression', () => {
    const t = devices(800, 1, 0.03);
    const c = devices(800, 2, 0.01);
    const ev = evaluateGuardrails({ plan, treatment: t, control: c, treatmentPct: 10, holdbackPct: 10 });
    const rr = ev.metrics.find((m) => m.metric === 'rebuffer_ratio')!;
    const ratio = (ds: DeviceAgg[]) =>
      ds.reduce((s, d) => s + d.rebufferMs, 0) / ds.reduce((s, d) => s + d.playMs + d.rebufferMs, 0);
    expect(rr.treatment).toBeCloseTo(ratio(t), 12);
    expect(rr.control).toBeCloseTo(ratio(c), 12);
    expect(rr.diff).toBeCloseTo(ratio(t) - ratio(c), 12);
    expect(rr.lower!).toBeLessThan(rr.diff!);
    expect(rr.threshold).toBe(0.002);
    expect(rr.status).toBe('regressed');
    expect(rr.alpha).toBeCloseTo(0.05 / 4, 12);
    expect(ev.verdict.kind).toBe('regression');
    expect(ev.verdict.why).toMatch(/^Rebuffer ratio: p2p \d\.\d\d % vs holdback \d\.\d\d %/);
    expect(ev.metrics.find((m) => m.metric === 'bitrate_kbps')!.status).toBe('holds');
    expect(ev.offload).toBeCloseTo(0.75, 12);
    expect(ev.srm.flagged).toBe(false);
  });

  it('holds when both cohorts come from the same distribution', () => {
    const ev = evaluateGuardrails({
      plan,
      treatment: devices(800, 3, 0.01),
      control: devices(800, 4, 0.01),
      treatmentPct: 10,
      holdbackPct: 10,
    });
    expect(ev.verdict).toEqual({ kind: 'ok', why: 'Every guardrail holds.', minDevices: 800 });
  });

  it('says a metric has too little data instead of deciding', () => {
    const ev = evaluateGuardrails({
      plan,
      treatment: devices(20, 5, 0.2),
      control: devices(20, 6, 0.0),
      treatmentPct: 10,
      holdbackPct: 10,
    });
    expect(ev.verdict.kind).toBe('insufficient');
    expect(ev.metrics.every((m) => m.status === 'insufficient' && m.diff === null)).toBe(true);
    expect(ev.verdict.why).toMatch(
      /Rebuffer ratio: too little data to decide \(20 treatment and 20 holdback devices; 50 each needed\)/,
    );
  });

  it('a split far from the configured one is a data problem, before any regression', () => {
    const ev = evaluateGuardrails({
      plan,
      treatment: devices(600, 7, 0.03),
      control: devices(400, 8, 0.01),
      treatmentPct: 10,
      holdbackPct: 10,
    });
    // χ² for 600/400 against 500/500 is 2·100²/500 = 40.
    expect(ev.srm.chi2).toBeCloseTo(40, 9);
    expect(ev.srm.flagged).toBe(true);
    expect(ev.verdict.kind).toBe('srm');
    expect(ev.verdict.why).toMatch(/data problem, not a regression/);
  });
});
