import { describe, expect, it } from 'vitest';
import { lookupIp } from '../server/ingest/geo';
import type { TelemetryReport } from '../sdk/report';
import { runBackfill } from './backfill';

describe('demo backfill timing', () => {
  it('spreads reports over every minute as real players do (no all-or-nothing one-minute buckets)', async () => {
    const now = Date.UTC(2026, 11, 2, 20, 0, 0);
    const reports: TelemetryReport[] = [];
    await runBackfill({
      spanMs: 3 * 3_600_000,
      concurrency: 1000,
      now,
      countryOfIp: (ip) => lookupIp(ip).country,
      sink: async (batch) => {
        for (const x of batch) reports.push(x.report);
        return { rejectedIds: new Set() };
      },
    });
    // The middle two hours (away from the warm start and the end), in one-minute buckets.
    const from = now - 2.5 * 3_600_000;
    const minutes = new Array(120).fill(0) as number[];
    for (const r of reports) {
      const m = Math.floor((r.ts - from) / 60_000);
      if (m >= 0 && m < 120) minutes[m]!++;
    }
    const mean = minutes.reduce((a, b) => a + b, 0) / minutes.length;
    expect(mean).toBeGreaterThan(20);
    // Stamped at the 5-minute step, four minutes in five would be empty and the fifth hold 5× the mean.
    expect(Math.min(...minutes)).toBeGreaterThan(mean * 0.3);
    expect(Math.max(...minutes)).toBeLessThan(mean * 2);
    // A session's reports keep their order and their spacing: intervals never overlap.
    const bySession = new Map<string, number[]>();
    for (const r of reports) bySession.set(r.sessionId, [...(bySession.get(r.sessionId) ?? []), r.ts]);
    for (const ts of bySession.values())
      for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!).toBeGreaterThanOrEqual(0);
    // Nothing lands in the future or before the window.
    expect(Math.max(...reports.map((r) => r.ts))).toBeLessThanOrEqual(now);
  }, 60_000);
});
