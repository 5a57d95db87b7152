import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as telemetry from '@/app/api/v1/telemetry/route';
import { query } from '@/server/clickhouse/client';
import { resetIngestConfig } from '@/server/ingest/config';
import { callerAs } from '../helpers/auth';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';
import {
  buildDataset,
  close,
  distinct,
  ENV,
  flowSums,
  HOUR,
  ingest,
  ISPS,
  offloadOf,
  peakMbps,
  qoeOf,
  ratio,
  sum,
  TROUBLED_SWARM,
  within,
  type Rep,
} from './dashboards-fixture';

withFreshStore(ENV);

const now = Date.now();
const { reports, base } = buildDataset(now);
/** Minute grain: [base − 3 h, base); previous period [base − 6 h, base − 3 h). */
const SHORT = { from: new Date(base - 3 * HOUR), to: new Date(base) };
/** Hour grain: 48 h ending at the current hour's start. */
const LONG = { from: new Date(base - 47 * HOUR), to: new Date(base + HOUR) };
const cur = within(reports, base - 3 * HOUR, base);
const prev = within(reports, base - 6 * HOUR, base - 3 * HOUR);

let caller: Awaited<ReturnType<typeof callerAs>>['caller'];
let close_: () => Promise<void>;

beforeAll(async () => {
  resetIngestConfig();
  const srv = await serveRoutes({ '/api/v1/telemetry': telemetry });
  close_ = srv.close;
  await ingest(`${srv.url}/api/v1/telemetry`, reports);
  // The ASN/country the server derived must be the ones the reference arithmetic assumes.
  const got = await query(
    'SELECT DISTINCT asn, country FROM telemetry_raw ORDER BY asn',
    {},
    z.object({ asn: z.coerce.number(), country: z.string() }),
  );
  expect(got).toEqual(ISPS.map((i) => ({ asn: i.asn, country: i.country })).sort((a, b) => a.asn - b.asn));
  caller = (await callerAs('viewer')).caller;
});
afterAll(() => close_?.());

describe('overview', () => {
  it('tiles: offload, saved bytes and cost, concurrent sessions, active peers, rebuffer p2p vs control, with the previous period', async () => {
    const o = await caller.dashboards.overview({ range: SHORT, filters: {}, costPerGb: 0.05 });
    for (const [got, xs] of [
      [o.current, cur],
      [o.previous, prev],
    ] as const) {
      expect(got.cdnBytes).toBe(sum(xs, (r) => r.bytes.cdn));
      expect(got.savedBytes).toBe(sum(xs, (r) => r.bytes.p2pDown));
      close(got.offload, offloadOf(xs), 'offload');
      close(got.savedCost, (sum(xs, (r) => r.bytes.p2pDown) / 1e9) * 0.05, 'cost');
      close(got.concurrentSessions, sum(xs, (r) => r.intervalMs) / (3 * HOUR), 'concurrent');
      expect(got.activePeers).toBe(distinct(xs, (r) => r.peerId));
      const p2p = xs.filter((r) => r.cohort === 'p2p');
      const ctl = xs.filter((r) => r.cohort === 'control');
      close(got.rebufferP2p, qoeOf(p2p).rebufferRatio, 'rebuffer p2p');
      close(got.rebufferControl, qoeOf(ctl).rebufferRatio, 'rebuffer control');
    }
    // Sparklines: 5-minute steps over the 3 h.
    expect(o.stepSeconds).toBe(300);
    expect(o.series).toHaveLength(36);
    for (const p of o.series) {
      const xs = within(reports, p.t, p.t + 300_000);
      expect(p.savedBytes).toBe(sum(xs, (r) => r.bytes.p2pDown));
      close(p.offload, offloadOf(xs), 'step offload');
      expect(p.activePeers).toBe(distinct(xs, (r) => r.peerId));
      close(p.concurrentSessions, sum(xs, (r) => r.intervalMs) / 300_000, 'step sessions');
    }
  });

  it('honours filters (country = US, a device class)', async () => {
    const o = await caller.dashboards.overview({ range: SHORT, filters: { country: 'US', deviceClass: 'mobile' } });
    const xs = cur.filter((r) => r._country === 'US' && r.deviceClass === 'mobile');
    expect(o.current.cdnBytes).toBe(sum(xs, (r) => r.bytes.cdn));
    close(o.current.offload, offloadOf(xs));
    expect(o.current.activePeers).toBe(distinct(xs, (r) => r.peerId));
    expect(o.source).toBe('dash_totals_wide_1m');
    const unfiltered = await caller.dashboards.overview({ range: SHORT, filters: { cohort: 'p2p' } });
    expect(unfiltered.source).toBe('dash_totals_1m');
  });

  it('biggest movers: offload change per device class, ISP and title', async () => {
    const m = await caller.dashboards.movers({ range: SHORT, filters: {} });
    const key = {
      deviceClass: (r: Rep) => r.deviceClass,
      asn: (r: Rep) => String(r._asn),
      contentId: (r: Rep) => r.contentId,
    };
    for (const dim of ['deviceClass', 'asn', 'contentId'] as const) {
      const values = [...new Set(reports.map(key[dim]))];
      const expected = values
        .map((v) => {
          const c = offloadOf(cur.filter((r) => key[dim](r) === v));
          const p = offloadOf(prev.filter((r) => key[dim](r) === v));
          return { key: v, change: c !== null && p !== null ? c - p : null };
        })
        .filter((x) => x.change !== null)
        .sort((a, b) => Math.abs(b.change!) - Math.abs(a.change!));
      expect(m[dim].rows.map((r) => r.key)).toEqual(expected.slice(0, 5).map((x) => x.key));
      for (const r of m[dim].rows) close(r.change, expected.find((x) => x.key === r.key)!.change, `${dim} ${r.key}`);
    }
  });
});

describe('offload', () => {
  it('bytes by source over time and the totals', async () => {
    const o = await caller.dashboards.offload({ range: SHORT, filters: {} });
    expect(o.totals.cdnBytes).toBe(sum(cur, (r) => r.bytes.cdn));
    expect(o.totals.p2pBytes).toBe(sum(cur, (r) => r.bytes.p2pDown));
    close(o.totals.offload, offloadOf(cur));
    for (const p of o.series) {
      const xs = within(reports, p.t, p.t + 300_000);
      expect([p.cdnBytes, p.p2pBytes]).toEqual([sum(xs, (r) => r.bytes.cdn), sum(xs, (r) => r.bytes.p2pDown)]);
    }
  });

  it.each([
    ['deviceClass', (r: Rep) => r.deviceClass],
    ['p2pMode', (r: Rep) => r.p2pMode],
    ['asn', (r: Rep) => String(r._asn)],
    ['country', (r: Rep) => r._country],
    ['contentId', (r: Rep) => r.contentId],
    ['clientVersion', (r: Rep) => r.clientVersion],
    ['cohort', (r: Rep) => r.cohort],
  ] as const)('breakdown by %s', async (dimension, key) => {
    for (const [filters, xs] of [
      [{}, cur],
      [{ cohort: 'p2p' }, cur.filter((r) => r.cohort === 'p2p')],
      [{ asn: 15169 }, cur.filter((r) => r._asn === 15169)],
    ] as const) {
      const b = await caller.dashboards.breakdown({ range: SHORT, filters, dimension });
      const values = [...new Set(xs.map(key))].sort();
      expect(b.rows.map((r) => r.key).sort()).toEqual(values);
      for (const row of b.rows) {
        const mine = xs.filter((r) => key(r) === row.key);
        expect(row.cdnBytes).toBe(sum(mine, (r) => r.bytes.cdn));
        expect(row.p2pBytes).toBe(sum(mine, (r) => r.bytes.p2pDown));
        close(row.offload, offloadOf(mine));
      }
      if (dimension === 'asn' && !('asn' in filters))
        expect(b.rows.find((r) => r.key === '13335')?.label).toBe('AS13335 Cloudflare, Inc.');
    }
  });
});

describe('swarms', () => {
  it('per swarm: active and uploading peers, mean connected, connection success, offload, up/down; troubled swarm flagged', async () => {
    const s = await caller.dashboards.swarms({ range: SHORT, filters: {} });
    const ids = [...new Set(cur.map((r) => r.swarmId))].sort();
    expect(s.rows.map((r) => r.swarmId).sort()).toEqual(ids);
    for (const row of s.rows) {
      const xs = cur.filter((r) => r.swarmId === row.swarmId);
      expect(row.contentId).toBe(xs[0]!.contentId);
      expect(row.activePeers).toBe(distinct(xs, (r) => r.peerId));
      expect(row.uploadingPeers).toBe(
        distinct(
          xs.filter((r) => r.bytes.p2pUp > 0),
          (r) => r.peerId,
        ),
      );
      close(row.meanConnected, sum(xs, (r) => r.peers.connected) / xs.length);
      const att = sum(xs, (r) => r.peers.attempts);
      close(row.connectionSuccess, att > 0 ? 1 - sum(xs, (r) => r.peers.failures) / att : null);
      close(row.offload, offloadOf(xs));
      close(
        row.upDownRatio,
        ratio(
          sum(xs, (r) => r.bytes.p2pUp),
          sum(xs, (r) => r.bytes.p2pDown),
        ),
      );
    }
    expect(s.trouble.map((t) => t.swarmId)).toContain(TROUBLED_SWARM);
    expect(s.trouble.find((t) => t.swarmId === TROUBLED_SWARM)!.trouble.join()).toMatch(/connection success/);
  });

  it('filters by title', async () => {
    const s = await caller.dashboards.swarms({
      range: SHORT,
      filters: { contentId: 'title-b', deviceClass: 'mobile' },
    });
    expect(s.rows.every((r) => r.contentId === 'title-b')).toBe(true);
    expect(s.ignoredFilters).toEqual(['deviceClass']);
  });

  it('swarm size over time: distinct peers per step of the largest swarms', async () => {
    const s = await caller.dashboards.swarmSize({ range: SHORT, filters: {} });
    const ids = [...new Set(cur.map((r) => r.swarmId))]
      .map((id) => ({
        id,
        n: distinct(
          cur.filter((r) => r.swarmId === id),
          (r) => r.peerId,
        ),
      }))
      .sort((a, b) => b.n - a.n || a.id.localeCompare(b.id))
      .slice(0, 5)
      .map((x) => x.id);
    expect(s.swarmIds).toEqual(ids);
    for (const p of s.series)
      for (const id of ids)
        expect(p.peers[id]).toBe(
          distinct(
            within(reports, p.t, p.t + 300_000).filter((r) => r.swarmId === id),
            (r) => r.peerId,
          ),
        );
  });

  it('size → offload curve: (swarm, minute) samples by power-of-two size class', async () => {
    const c = await caller.dashboards.sizeCurve({ range: SHORT, filters: {} });
    const samples = new Map<string, Rep[]>();
    for (const r of cur) {
      const k = `${Math.floor(r.ts / 60_000)}|${r.swarmId}`;
      samples.set(k, [...(samples.get(k) ?? []), r]);
    }
    const classes = new Map<number, Rep[][]>();
    for (const xs of samples.values()) {
      const n = distinct(xs, (r) => r.peerId);
      const cls = n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n));
      classes.set(cls, [...(classes.get(cls) ?? []), xs]);
    }
    expect(c.points.map((p) => p.sizeClass)).toEqual([...classes.keys()].sort((a, b) => a - b));
    for (const p of c.points) {
      const all = classes.get(p.sizeClass)!.flat();
      expect(p.samples).toBe(classes.get(p.sizeClass)!.length);
      expect(p.cdnBytes).toBe(sum(all, (r) => r.bytes.cdn));
      close(p.offload, offloadOf(all));
    }
  });
});

function ispExpect(xs: Rep[], asn: number, lo: number, hi: number) {
  const mine = xs.filter((r) => r._asn === asn);
  const f = flowSums(mine);
  return {
    deliveredCdn: sum(mine, (r) => r.bytes.cdn),
    p2pIntra: f.intra,
    p2pIn: f.pin,
    p2pOut: f.pout,
    unknownPeerDown: f.unknownDown,
    balance: ratio(f.pout, f.pin),
    offload: offloadOf(mine),
    peak: peakMbps(mine, lo, hi, now),
  };
}

describe('ISPs', () => {
  it.each([
    ['minute grain, 3 h', SHORT],
    ['hour grain, 48 h', LONG],
  ] as const)('per-ASN balance and peak_mbps_p95 (%s)', async (_label, range) => {
    const t = await caller.dashboards.isps({ range, filters: {} });
    const xs = within(reports, range.from.getTime(), range.to.getTime());
    expect(t.rows.map((r) => r.asn).sort()).toEqual(ISPS.map((i) => i.asn).sort());
    for (const row of t.rows) {
      const e = ispExpect(xs, row.asn, range.from.getTime(), range.to.getTime());
      expect([row.deliveredCdn, row.p2pIntra, row.p2pIn, row.p2pOut, row.unknownPeerDown]).toEqual([
        e.deliveredCdn,
        e.p2pIntra,
        e.p2pIn,
        e.p2pOut,
        e.unknownPeerDown,
      ]);
      close(row.balance, e.balance, 'balance');
      close(row.offload, e.offload, 'offload');
      close(row.peakMbpsP95, e.peak, `peak AS${row.asn}`);
    }
    expect(t.rows.find((r) => r.asn === 15169)?.isp).toBe('Google LLC');
    // In 3 h of 36 buckets the p95 is a real bucket, not 0.
    if (range === SHORT) expect(t.rows.some((r) => r.peakMbpsP95 > 0)).toBe(true);
  });

  it('balance over time of the largest ISPs', async () => {
    const s = await caller.dashboards.ispSeries({ range: SHORT, filters: {} });
    const order = ISPS.map((i) => ({
      asn: i.asn,
      v: sum(
        cur.filter((r) => r._asn === i.asn),
        (r) => r.bytes.cdn + r.bytes.p2pDown,
      ),
    }))
      .sort((a, b) => b.v - a.v || a.asn - b.asn)
      .map((x) => x.asn);
    expect(s.asns).toEqual(order);
    for (const p of s.series)
      for (const asn of s.asns) {
        const f = flowSums(within(reports, p.t, p.t + 300_000).filter((r) => r._asn === asn));
        expect([p.byAsn[asn]!.p2pIn, p.byAsn[asn]!.p2pOut]).toEqual([f.pin, f.pout]);
        close(
          p.byAsn[asn]!.balance,
          f.pin > 0 || f.pout > 0 || within(reports, p.t, p.t + 300_000).some((r) => r._asn === asn)
            ? ratio(f.pout, f.pin)
            : null,
        );
      }
  });

  it('ISP × ISP flow matrix of the top N', async () => {
    const m = await caller.dashboards.ispFlows({ range: SHORT, filters: {}, top: 3 });
    const vol = new Map<number, number>();
    const cell = new Map<string, number>();
    for (const r of cur)
      for (const f of r.flows) {
        if (f.peerAsn === 0) continue;
        vol.set(r._asn, (vol.get(r._asn) ?? 0) + f.down + f.up);
        vol.set(f.peerAsn, (vol.get(f.peerAsn) ?? 0) + f.down + f.up);
        cell.set(`${f.peerAsn}>${r._asn}`, (cell.get(`${f.peerAsn}>${r._asn}`) ?? 0) + f.down);
      }
    const top = [...vol.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, 3)
      .map(([a]) => a);
    expect(m.asns.map((a) => a.asn)).toEqual(top);
    const expected = [...cell.entries()]
      .map(([k, bytes]) => ({ from: Number(k.split('>')[0]), to: Number(k.split('>')[1]), bytes }))
      .filter((c) => top.includes(c.from) && top.includes(c.to));
    expect(m.cells.filter((c) => c.bytes > 0).sort((a, b) => a.to - b.to || a.from - b.from)).toEqual(
      expected.filter((c) => c.bytes > 0).sort((a, b) => a.to - b.to || a.from - b.from),
    );
    expect(m.unknownPeerBytes).toBe(flowSums(cur).unknownDown);
  });

  it('ISP detail for one ASN: its figures, peak and partners', async () => {
    const d = await caller.dashboards.ispDetail({ range: SHORT, filters: {}, asn: 19281 });
    const e = ispExpect(cur, 19281, SHORT.from.getTime(), SHORT.to.getTime());
    expect(d.row!.deliveredCdn).toBe(e.deliveredCdn);
    expect(d.row!.p2pIn).toBe(e.p2pIn);
    close(d.row!.peakMbpsP95, e.peak);
    const partners = new Map<number, { in: number; out: number }>();
    for (const r of cur.filter((x) => x._asn === 19281))
      for (const f of r.flows) {
        if (f.peerAsn === 19281) continue;
        const p = partners.get(f.peerAsn) ?? { in: 0, out: 0 };
        p.in += f.down;
        p.out += f.up;
        partners.set(f.peerAsn, p);
      }
    expect(Object.fromEntries(d.partners.map((p) => [p.peerAsn, { in: p.inBytes, out: p.outBytes }]))).toEqual(
      Object.fromEntries(partners),
    );
    expect(d.series.reduce((s, p) => s + p.deliveredCdn, 0)).toBe(e.deliveredCdn);
  });
});

describe('QoE', () => {
  it.each([
    ['minute grain', SHORT],
    ['hour grain', LONG],
  ] as const)('by cohort and device class (%s)', async (_l, range) => {
    const q = await caller.dashboards.qoe({ range, filters: {} });
    const xs = within(reports, range.from.getTime(), range.to.getTime());
    const keys = [...new Set(xs.map((r) => `${r.cohort}|${r.deviceClass}`))].sort();
    expect(q.byCohortDevice.map((r) => `${r.cohort}|${r.deviceClass}`).sort()).toEqual(keys);
    for (const row of q.byCohortDevice) {
      const e = qoeOf(xs.filter((r) => r.cohort === row.cohort && r.deviceClass === row.deviceClass));
      close(row.rebufferRatio, e.rebufferRatio, 'rebuffer');
      close(row.startupP50, e.startupP50, 'p50');
      close(row.startupP95, e.startupP95, 'p95');
      close(row.failureRate, e.failureRate, 'failure');
      close(row.avgBitrateKbps, e.avgBitrateKbps, 'bitrate');
      expect(row.sessions).toBe(e.sessions);
    }
    for (const p of q.series)
      for (const c of q.cohorts) {
        const inStep = within(reports, p.t, p.t + q.stepSeconds * 1000).filter((r) => r.cohort === c);
        const got = p.byCohort[c];
        if (inStep.length === 0) expect(got).toBeNull();
        else {
          const e = qoeOf(inStep);
          close(got!.rebufferRatio, e.rebufferRatio);
          close(got!.startupP95, e.startupP95);
          close(got!.failureRate, e.failureRate);
        }
      }
  });
});

describe('access', () => {
  it('every dashboards procedure needs dashboards:read', async () => {
    const { anonymousCaller } = await import('../helpers/auth');
    const anon = await anonymousCaller();
    await expect(anon.dashboards.overview({ range: SHORT, filters: {} })).rejects.toThrow(/Sign in/);
    const { appRouter } = await import('@/server/api/root');
    const procs = Object.entries(appRouter._def.procedures).filter(([k]) => k.startsWith('dashboards.'));
    expect(procs.length).toBeGreaterThanOrEqual(12);
    for (const [, p] of procs)
      expect((p as unknown as { _def: { meta?: { access?: string } } })._def.meta?.access).toBe('dashboards:read');
  });
});
