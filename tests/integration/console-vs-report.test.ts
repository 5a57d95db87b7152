import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as reportRoute from '@/app/api/v1/reports/isp/route';
import * as telemetryRoute from '@/app/api/v1/telemetry/route';
import { createIngestKey } from '@/server/ingest/keys';
import { callerAs } from '../helpers/auth';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';
import { ASN_A, ASN_B, buildDataset, dayStart, utcDay } from './reports-fixtures';

/**
 * The partnership report and the console's ISP page show the same figures for the same whole days:
 * one definition of delivered_cdn, p2p_intra/in/out, balance and peak_mbps_p95 (5-minute buckets,
 * nearest rank) on both sides, read from their own storage.
 */
const TOKEN = 'console-vs-report-token-0123456789';
withFreshStore({ SWARMDECK_REPORTS_TOKEN: TOKEN });

const DAY = 86_400_000;
const NOW = Date.now();
const FIRST = dayStart(NOW) - 4 * DAY;
const LAST = dayStart(NOW) - DAY;
let api: { url: string; close(): Promise<void> };

beforeAll(async () => {
  api = await serveRoutes({ '/api/v1/reports/isp': reportRoute, '/api/v1/telemetry': telemetryRoute });
  const { key } = await createIngestKey(
    { name: 'relay', rateLimitPerSec: 1_000_000, trustedRelay: true },
    { kind: 'system', id: 'test' },
  );
  const sent = buildDataset(NOW);
  for (let i = 0; i < sent.length; i += 500) {
    const res = await fetch(`${api.url}/api/v1/telemetry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reports: sent.slice(i, i + 500).map((s) => s.report) }),
    });
    expect(res.status).toBe(200);
  }
});
afterAll(async () => api?.close());

describe('console ISP figures equal the partnership report', () => {
  it.each([
    // Day −2: ASN A busy in 60 of 288 buckets, so its p95 is not 0.
    ['one busy day', LAST - DAY, LAST - DAY, [ASN_A], true],
    ['one day across midnight, both ISPs', LAST, LAST, [ASN_A, ASN_B], false],
    ['four days (hour grain on the console)', FIRST, LAST, [ASN_A, ASN_B], false],
  ])('%s', async (_label, first, last, asns, peakNonZero) => {
    // ASN_C only ever appears as a remote peer, so the console lists no row for it.
    const sp = new URLSearchParams({ from: utcDay(first), to: utcDay(last), format: 'json' });
    for (const a of asns) sp.append('asn', String(a));
    const res = await fetch(`${api.url}/api/v1/reports/isp?${sp}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { totals: Record<string, number | string | null>[] };

    const { caller } = await callerAs('viewer');
    const consoleIsps = await caller.dashboards.isps({ range: { from: new Date(first), to: new Date(last + DAY) } });
    for (const asn of asns) {
      const t = report.totals.find((r) => r.asn === asn)!;
      const c = consoleIsps.rows.find((r) => r.asn === asn)!;
      expect(c, `ASN ${asn} on the console`).toBeDefined();
      // Non-trivial figures, so equality means something.
      expect(Number(t.delivered_cdn_bytes) + Number(t.p2p_in_bytes)).toBeGreaterThan(0);
      if (peakNonZero) expect(Number(t.peak_mbps_p95)).toBeGreaterThan(0);
      expect(c.deliveredCdn).toBe(t.delivered_cdn_bytes);
      expect(c.p2pIntra).toBe(t.p2p_intra_bytes);
      expect(c.p2pIn).toBe(t.p2p_in_bytes);
      expect(c.p2pOut).toBe(t.p2p_out_bytes);
      expect(c.balance === null ? null : Number(c.balance.toFixed(6))).toBe(
        t.balance === null ? null : Number(t.balance),
      );
      expect(Number(c.peakMbpsP95.toFixed(3))).toBe(Number(t.peak_mbps_p95));
    }
  });
});
