import { describe, expect, it } from 'vitest';
import { lookupIp } from '../server/ingest/geo';
import { SessionCounters } from '../sdk/session';
import type { TelemetryReport } from '../sdk/report';
import { parseFault, parseFaults, type FleetFault } from './fault';
import { Fleet } from './fleet';
import { staticSettings } from './model';

interface Qoe {
  playMs: number;
  rebufferMs: number;
  startupSum: number;
  startups: number;
  reports: number;
  fatal: number;
}

/** Plays the fleet for `hours` of virtual time and sums each class × cohort's QoE from the SDK's own reports. */
function play(faults: FleetFault[], hours = 4): Map<string, Qoe> {
  const out = new Map<string, Qoe>();
  const add = (r: TelemetryReport) => {
    const key = `${r.deviceClass}|${r.p2pMode === 'off' ? 'off' : 'p2p'}`;
    let q = out.get(key);
    if (!q) out.set(key, (q = { playMs: 0, rebufferMs: 0, startupSum: 0, startups: 0, reports: 0, fatal: 0 }));
    q.playMs += r.qoe.playMs;
    q.rebufferMs += r.qoe.rebufferMs;
    if (r.qoe.startupMs !== undefined) {
      q.startupSum += r.qoe.startupMs;
      q.startups++;
    }
    if (r.qoe.fatalError) q.fatal++;
    q.reports++;
  };
  const t0 = Date.UTC(2026, 11, 1, 17, 0, 0);
  const fleet: Fleet = new Fleet({
    seed: 11,
    concurrency: 1500,
    countryOfIp: (ip) => lookupIp(ip).country,
    faults,
    open(device, info, settings) {
      const counters = new SessionCounters(
        { deviceId: device.id, deviceClass: device.profile.cls, clientVersion: device.version, ...info },
        settings,
        () => fleet.clock,
      );
      return { counters, collect: () => counters.collect(), finish: () => {} };
    },
    onReport: add,
  });
  fleet.clock = t0;
  const step = 60_000;
  for (let t = t0; t < t0 + hours * 3_600_000; t += step) {
    const arrivals = fleet.planArrivals(t, t + step, { warm: t === t0 });
    fleet.step(t, t + step, arrivals, (d) => staticSettings(d.id, d.profile.cls));
  }
  return out;
}

const ratio = (q: Qoe) => q.rebufferMs / q.playMs;

describe('fleet fault injection', () => {
  it('parses class:metric+N%[@delay] and names what is wrong', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseFault('mobile:rebuffer+50%', now)).toEqual({
      deviceClass: 'mobile',
      metric: 'rebuffer',
      extraPct: 50,
      fromMs: 0,
    });
    expect(parseFault('*:startup+30%@10m', now)).toEqual({
      deviceClass: '*',
      metric: 'startup',
      extraPct: 30,
      fromMs: now + 600_000,
    });
    expect(() => parseFault('phone:rebuffer+50%')).toThrow(/unknown device class "phone"/);
    expect(() => parseFault('mobile:latency+50%')).toThrow(/unknown metric "latency"/);
    expect(() => parseFault('mobile:rebuffer50')).toThrow(/expected class:metric\+N%/);
    expect(() => parseFault('mobile:rebuffer+0%')).toThrow(/between 0 and 1000/);
    // --fault may repeat and each value (or SWARMDECK_DEMO_FAULT) may list several, comma-separated
    expect(
      parseFaults(['mobile:rebuffer+50%,*:startup+30%', 'desktop:failure+100%'], now).map((f) => f.metric),
    ).toEqual(['rebuffer', 'startup', 'failure']);
    expect(parseFaults(undefined)).toEqual([]);
    expect(() => parseFaults('mobile:rebuffer+50%,tv:startup+1%')).toThrow(/unknown device class "tv"/);
  });

  // One run without and one with each fault, same seed: the fleet's own draws do not move, so whatever
  // the fault does not touch is equal to the millisecond, and the faulted cohort moves by the fault.
  const base = play([]);

  it('mobile:rebuffer+50% raises the p2p mobile rebuffer ratio by half and touches nothing else', () => {
    const faulted = play([parseFault('mobile:rebuffer+50%')]);
    const before = base.get('mobile|p2p')!;
    const after = faulted.get('mobile|p2p')!;
    expect(before.reports).toBeGreaterThan(1_000);
    expect(before.rebufferMs).toBeGreaterThan(60_000);
    const lift = ratio(after) / ratio(before);
    expect(lift).toBeGreaterThan(1.35);
    expect(lift).toBeLessThan(1.6);
    // Control mobile devices and every other class: exactly the same playback.
    expect([...faulted.keys()].sort()).toEqual([...base.keys()].sort());
    for (const [key, q] of base) {
      if (key === 'mobile|p2p') continue;
      expect(faulted.get(key), key).toEqual(q);
    }
  }, 120_000);

  it('*:startup+30% slows the first frame of every p2p session by 30 % and no control session', () => {
    const faulted = play([parseFault('*:startup+30%')]);
    for (const [key, q] of base) {
      const f = faulted.get(key)!;
      if (key.endsWith('|off')) {
        expect(f.startupSum, key).toBe(q.startupSum);
        continue;
      }
      expect(f.startups, key).toBe(q.startups);
      const lift = f.startupSum / q.startupSum;
      // Each draw × 1.3, rounded to the millisecond and capped at 60 s.
      expect(lift, key).toBeGreaterThan(1.29);
      expect(lift, key).toBeLessThan(1.301);
    }
  }, 120_000);

  it('a fault that starts later leaves the time before it alone', () => {
    const t0 = Date.UTC(2026, 11, 1, 17, 0, 0);
    const late = play([{ deviceClass: 'mobile', metric: 'rebuffer', extraPct: 100, fromMs: t0 + 100 * 3_600_000 }]);
    expect(late.get('mobile|p2p')).toEqual(base.get('mobile|p2p'));
  }, 120_000);
});
