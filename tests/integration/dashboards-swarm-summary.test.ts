import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as telemetry from '@/app/api/v1/telemetry/route';
import { query } from '@/server/clickhouse/client';
import { FIGURES, type SwarmsInput } from '@/server/dashboards/service';
import {
  FLOW_GAP_MS,
  refreshDue,
  refreshSwarmSummary,
  resetSwarmSummary,
  SUMMARY_PRESETS,
} from '@/server/dashboards/swarm-summary';
import { resetIngestConfig } from '@/server/ingest/config';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';
import { buildDataset, distinct, ENV, ingest, ISPS, offloadOf, sum, within, type Rep } from './dashboards-fixture';

/*
 * The Swarms page's background summary against the real embedded store: a page read from a snapshot is
 * the live page (same rows, figures, totals and trouble list) for 24 h and 7 d, in every order and with a
 * search; a snapshot missing reports just sent is not shown (the page answers live and exact); one older
 * than the bound is never shown; and while ingestion flows without pause for longer than the bound, a
 * snapshot younger than the bound is shown with the time its figures hold.
 */

const MAX_AGE_S = 4;
withFreshStore({ ...ENV, SWARMDECK_SWARM_SUMMARY_MAX_AGE_SECONDS: String(MAX_AGE_S) });

const now = Date.now();
const { reports } = buildDataset(now);
let url = '';
let close_: () => Promise<void>;

beforeAll(async () => {
  resetIngestConfig();
  const srv = await serveRoutes({ '/api/v1/telemetry': telemetry });
  close_ = srv.close;
  url = `${srv.url}/api/v1/telemetry`;
  await ingest(url, reports);
});
afterAll(async () => {
  resetSwarmSummary();
  await close_?.();
});
beforeEach(() => resetSwarmSummary());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Everything but the two fields that say where the figures came from. */
const figures = (x: { source: string; asOf: number | null }) => ({ ...x, source: undefined, asOf: undefined });

/** One report of a swarm not in the dataset, a minute old (inside every preset window). */
let late = 0;
function lateReport(swarmId: string): Omit<Rep, '_asn' | '_country' | '_ip'> {
  const { _asn: _a, _country: _c, _ip: _i, ...wire } = reports[0]!;
  late++;
  return {
    ...wire,
    reportId: `late-report-${late}`,
    sessionId: `late-sess-${late}`,
    peerId: `late-peer-${late}`,
    ts: Date.now() - 60_000,
    contentId: swarmId.split('/')[0]!,
    swarmId,
  };
}
async function send(...xs: ReturnType<typeof lateReport>[]): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${ENV.SWARMDECK_INGEST_KEY}`,
      'content-type': 'application/json',
      'x-forwarded-for': ISPS[0].ip,
    },
    body: JSON.stringify({ reports: xs }),
  });
  expect(res.status, await res.text()).toBe(200);
}

const INPUTS: Omit<SwarmsInput, 'range'>[] = [
  { filters: {} },
  { filters: {}, offset: 2, limit: 2 },
  { filters: {}, offset: 4, limit: 2 },
  { filters: {}, offset: 100, limit: 2 },
  { filters: {}, sort: 'peers', desc: false, limit: 3 },
  { filters: {}, sort: 'offload', desc: true, offset: 1, limit: 3 },
  { filters: {}, sort: 'swarm', desc: false },
  { filters: {}, q: '720P' },
];

describe('the swarm summary', () => {
  it.each(SUMMARY_PRESETS)('%s: every page read from a snapshot equals the live page', async (preset) => {
    const range = { preset };
    // No snapshot yet: live.
    expect((await FIGURES.swarms({ range, filters: {} })).asOf).toBeNull();
    const snap = await refreshSwarmSummary(preset);
    for (const input of INPUTS) {
      const fromSummary = await FIGURES.swarms({ range, ...input });
      const live = await FIGURES.swarms({ range, ...input }, { live: true });
      expect(fromSummary.source, JSON.stringify(input)).toBe('dash_swarm_summary');
      expect(fromSummary.asOf).toBe(snap.takenAt);
      expect(live.asOf).toBeNull();
      expect(live.source).toBe(preset === '24h' ? 'dash_swarm_15m' : 'dash_swarm_1h');
      expect(figures(fromSummary), JSON.stringify(input)).toEqual(figures(live));
    }
    // And the figures themselves, computed from the reports: the whole list in order, its trouble list.
    const inWindow = within(reports, now - (preset === '24h' ? 24 : 168) * 3_600_000, now + 1);
    const ids = [...new Set(inWindow.map((r) => r.swarmId))];
    const want = ids
      .map((id) => {
        const s = inWindow.filter((r) => r.swarmId === id);
        const att = sum(s, (r) => r.peers.attempts);
        const peers = distinct(s, (r) => r.peerId);
        const trouble =
          (peers >= 10 && (offloadOf(s) ?? 1) < 0.2) || (att >= 20 && 1 - sum(s, (r) => r.peers.failures) / att < 0.5);
        return { id, peers, p2p: sum(s, (r) => r.bytes.p2pDown), trouble };
      })
      .sort((x, y) => y.peers - x.peers || byBytes(x.id, y.id));
    const page = await FIGURES.swarms({ range, filters: {}, limit: 200 });
    expect(page.source).toBe('dash_swarm_summary');
    expect(page.total).toBe(want.length);
    expect(page.rows.map((r) => [r.swarmId, r.activePeers, r.p2pBytes])).toEqual(
      want.map((w) => [w.id, w.peers, w.p2p]),
    );
    expect(page.troubleTotal).toBe(want.filter((w) => w.trouble).length);
    expect(page.troubleTotal).toBeGreaterThan(0);
    expect(page.trouble.map((t) => t.swarmId)).toEqual(want.filter((w) => w.trouble).map((w) => w.id));
  });

  it('is not read under a filter, for a custom range or a preset it does not keep', async () => {
    await refreshSwarmSummary('24h');
    expect((await FIGURES.swarms({ range: { preset: '24h' }, filters: {} })).asOf).not.toBeNull();
    const filtered = await FIGURES.swarms({ range: { preset: '24h' }, filters: { contentId: 'title-a' } });
    expect(filtered.asOf).toBeNull();
    expect(filtered.rows.map((r) => r.contentId)).toEqual(['title-a', 'title-a']);
    // An ignored filter changes nothing the summary holds: it is still read, and the filter still named.
    const ignored = await FIGURES.swarms({ range: { preset: '24h' }, filters: { country: 'DE' } });
    expect(ignored.asOf).not.toBeNull();
    expect(ignored.ignoredFilters).toEqual(['country']);
    expect((await FIGURES.swarms({ range: { preset: '6h' }, filters: {} })).asOf).toBeNull();
    const custom = { from: new Date(now - 24 * 3_600_000), to: new Date(now) };
    expect((await FIGURES.swarms({ range: custom, filters: {} })).asOf).toBeNull();
  });

  it('reports sent after a snapshot are shown at once: the page answers live until a refresh holds them', async () => {
    const range = { preset: '24h' as const };
    await refreshSwarmSummary('24h');
    const before = await FIGURES.swarms({ range, filters: {} });
    expect(before.asOf).not.toBeNull();
    await send(lateReport('fresh/720p'));
    const after = await FIGURES.swarms({ range, filters: {}, q: 'fresh' });
    expect(after.asOf).toBeNull();
    expect(after.total).toBe(1);
    expect((await FIGURES.swarms({ range, filters: {} })).total).toBe(before.total + 1);
    // The refresher sees the new batch and refreshes (at most once a quarter of the bound); from then on
    // the summary holds it.
    await sleep(MAX_AGE_S * 250);
    await refreshDue();
    const refreshed = await FIGURES.swarms({ range, filters: {}, q: 'fresh' });
    expect(refreshed.asOf).not.toBeNull();
    expect(refreshed.asOf!).toBeGreaterThan(before.asOf!);
    expect(figures(refreshed)).toEqual(figures(after));
  });

  it(`is never shown once older than the bound (${MAX_AGE_S} s), even with nothing new`, async () => {
    const range = { preset: '7d' as const };
    const snap = await refreshSwarmSummary('7d');
    expect((await FIGURES.swarms({ range, filters: {} })).asOf).toBe(snap.takenAt);
    await sleep(snap.takenAt + MAX_AGE_S * 1000 + 100 - Date.now());
    const stale = await FIGURES.swarms({ range, filters: {} });
    expect(stale.asOf).toBeNull();
    expect(stale.source).toBe('dash_swarm_1h');
    // The refresher renews a snapshot that reaches half the bound, so with it running this never happens.
    await refreshDue();
    expect((await FIGURES.swarms({ range, filters: {} })).asOf).not.toBeNull();
  });

  it('while reports flow without pause for longer than the bound, a snapshot within the bound is shown, as of its time', async () => {
    const range = { preset: '24h' as const };
    const flowStart = Date.now();
    let snapAt = 0;
    let atSnapshot: Awaited<ReturnType<typeof FIGURES.swarms>> | undefined;
    let i = 0;
    // A batch every 400 ms; each read notes the flow. The snapshot is taken a second into it.
    while (Date.now() - flowStart < MAX_AGE_S * 1000 + 300) {
      await send(lateReport(`flow-${i++}/720p`));
      const seen = await FIGURES.swarms({ range, filters: {} });
      if (snapAt === 0 && Date.now() - flowStart >= 1000) {
        snapAt = (await refreshSwarmSummary('24h')).takenAt;
        atSnapshot = await FIGURES.swarms({ range, filters: {} }, { live: true });
      } else if (snapAt !== 0) {
        // Flowing for less than the bound: the snapshot misses batches, so the page is live.
        if (Date.now() - flowStart < MAX_AGE_S * 1000 - 200) expect(seen.asOf).toBeNull();
      }
      await sleep(400);
    }
    await send(lateReport(`flow-${i++}/720p`));
    const shown = await FIGURES.swarms({ range, filters: {} });
    const live = await FIGURES.swarms({ range, filters: {} }, { live: true });
    expect(Date.now() - snapAt).toBeLessThanOrEqual(MAX_AGE_S * 1000);
    expect(shown.asOf).toBe(snapAt);
    expect(figures(shown)).toEqual(figures(atSnapshot!));
    expect(live.total).toBeGreaterThan(shown.total);
    // Past the bound it is gone, flow or not.
    await sleep(snapAt + MAX_AGE_S * 1000 + 100 - Date.now());
    await send(lateReport(`flow-${i++}/720p`));
    expect((await FIGURES.swarms({ range, filters: {} })).asOf).toBeNull();
    // A pause longer than FLOW_GAP_MS ends the flow: a new snapshot missing the next batch is not shown.
    await sleep(FLOW_GAP_MS + 200);
    await refreshSwarmSummary('24h');
    await send(lateReport(`flow-${i++}/720p`));
    expect((await FIGURES.swarms({ range, filters: {} })).asOf).toBeNull();
  });

  it('keeps a bounded number of snapshots: the current and the one it replaced, per preset', async () => {
    const ids: number[] = [];
    for (let k = 0; k < 4; k++) for (const preset of SUMMARY_PRESETS) ids.push((await refreshSwarmSummary(preset)).id);
    const Snap = z.object({ snapshot: z.coerce.number(), n: z.coerce.number() });
    const held = await query(
      'SELECT snapshot, count() AS n FROM dash_swarm_summary WHERE snapshot >= {first:UInt64} GROUP BY snapshot ORDER BY snapshot',
      { first: ids[0]! },
      Snap,
    );
    // The last two rounds' snapshots, nothing older of this process.
    expect(held.map((h) => h.snapshot)).toEqual(ids.slice(-2 * SUMMARY_PRESETS.length));
    // Each snapshot: one row a swarm, one more a troubled swarm.
    for (const h of held) {
      const preset = SUMMARY_PRESETS[ids.indexOf(h.snapshot) % SUMMARY_PRESETS.length]!;
      const page = await FIGURES.swarms({ range: { preset }, filters: {} });
      expect(h.n).toBe(page.total + page.troubleTotal);
    }
  });
});
