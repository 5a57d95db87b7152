import { describe, expect, it } from 'vitest';
import { parseReport } from '../lib/telemetry/schema';
import { SessionCounters } from './session';
import { backoffDelay, parseRetryAfter } from './transport';

const info = {
  deviceId: 'd',
  deviceClass: 'smart_tv' as const,
  clientVersion: '7.12.0',
  contentId: 't',
  swarmId: 't/uhd',
};

describe('SessionCounters', () => {
  it('holds the first report until the first frame, so it carries startupMs', () => {
    let t = Date.now() - 200_000;
    const c = new SessionCounters(info, { p2pMode: 'off', cohort: 'off', configVersion: 0 }, () => t);
    c.playRequested();
    t += 30_000;
    expect(c.collect()).toBeNull();
    t += 12_000;
    c.playing();
    t += 8_000;
    const r = c.collect()!;
    expect(r.intervalMs).toBe(50_000);
    expect(r.qoe).toMatchObject({ startupMs: 42_000, playMs: 8_000, rebufferMs: 0 });
    t += 10_000;
    expect(c.collect()!.qoe.startupMs).toBeUndefined();
  });

  it('keeps at most 64 flows, folding the smallest into ASN 0, sums unchanged', () => {
    let t = Date.now() - 60_000;
    const c = new SessionCounters(info, { p2pMode: 'full', cohort: 'p2p', configVersion: 1 }, () => t);
    for (let asn = 1; asn <= 100; asn++) {
      c.addP2pDown(asn * 10, asn);
      c.addP2pUp(asn, asn);
    }
    t += 30_000;
    const r = c.collect()!;
    expect(parseReport(r).ok).toBe(true);
    expect(r.flows).toHaveLength(64);
    expect(r.flows!.reduce((a, f) => a + f.down, 0)).toBe(r.bytes.p2pDown);
    expect(r.flows!.reduce((a, f) => a + f.up, 0)).toBe(r.bytes.p2pUp);
    expect(r.flows!.find((f) => f.peerAsn === 100)).toEqual({ peerAsn: 100, down: 1000, up: 100 });
    expect(r.flows!.find((f) => f.peerAsn === 0)!.down).toBe(((1 + 37) * 37 * 10) / 2);
  });

  it('reports the most permissive mode of the interval, so uploads before a switch to off stay valid', () => {
    let t = Date.now() - 60_000;
    const c = new SessionCounters(info, { p2pMode: 'full', cohort: 'p2p', configVersion: 1 }, () => t);
    c.addP2pUp(5_000, 3320);
    c.setConfig({ p2pMode: 'off', cohort: 'off', configVersion: 2 });
    c.addP2pUp(7_000, 3320); // an upload still finishing in the interval that ran full
    t += 10_000;
    const r = c.collect()!;
    expect(r).toMatchObject({ p2pMode: 'full', cohort: 'off', configVersion: 2, bytes: { p2pUp: 12_000 } });
    expect(parseReport(r).ok).toBe(true);
    c.addP2pUp(1_000, 3320);
    t += 10_000;
    const next = c.collect()!;
    expect(next).toMatchObject({ p2pMode: 'off', bytes: { p2pUp: 0 } });
    expect(parseReport(next).ok).toBe(true);
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter between half and full, capped, never below Retry-After', () => {
    expect(backoffDelay(0, 1_000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(0, 1_000, 60_000, () => 1)).toBe(1_000);
    expect(backoffDelay(3, 1_000, 60_000, () => 0.5)).toBe(6_000);
    expect(backoffDelay(20, 1_000, 60_000, () => 1)).toBe(60_000);
    expect(backoffDelay(0, 1_000, 60_000, () => 0, 30_000)).toBe(30_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
