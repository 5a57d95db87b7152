import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as telemetry from '@/app/api/v1/telemetry/route';
import { audit } from '@/server/audit/log';
import { insert } from '@/server/clickhouse/client';
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
  ratio,
  sum,
  within,
  type Rep,
} from './dashboards-fixture';

withFreshStore(ENV);

const { reports, base } = buildDataset(Date.now());
const SHORT = { from: new Date(base - 3 * HOUR), to: new Date(base) };
const cur = within(reports, base - 3 * HOUR, base);

let caller: Awaited<ReturnType<typeof callerAs>>['caller'];
let close_: () => Promise<void>;

beforeAll(async () => {
  resetIngestConfig();
  const srv = await serveRoutes({ '/api/v1/telemetry': telemetry });
  close_ = srv.close;
  await ingest(`${srv.url}/api/v1/telemetry`, reports);
  caller = (await callerAs('viewer')).caller;
});
afterAll(() => close_?.());

/** Each swarm of the window with the figures the list sorts by, computed from the reports themselves. */
function expected(xs: Rep[]) {
  return [...new Set(xs.map((r) => r.swarmId))].map((id) => {
    const s = xs.filter((r) => r.swarmId === id);
    const att = sum(s, (r) => r.peers.attempts);
    return {
      id,
      peers: distinct(s, (r) => r.peerId),
      offload: offloadOf(s),
      success: att > 0 ? 1 - sum(s, (r) => r.peers.failures) / att : null,
      upDown: ratio(
        sum(s, (r) => r.bytes.p2pUp),
        sum(s, (r) => r.bytes.p2pDown),
      ),
      trouble:
        (distinct(s, (r) => r.peerId) >= 10 && (offloadOf(s) ?? 1) < 0.2) ||
        (att >= 20 && 1 - sum(s, (r) => r.peers.failures) / att < 0.5),
    };
  });
}
const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('swarms list paged, sorted and searched on the server', () => {
  it('pages of 2 by active peers put together are the whole list in order, with its total', async () => {
    const want = expected(cur).sort((x, y) => y.peers - x.peers || byBytes(x.id, y.id));
    expect(want.length).toBeGreaterThan(3);
    const got: string[] = [];
    for (let offset = 0; offset < want.length + 2; offset += 2) {
      const page = await caller.dashboards.swarms({
        range: SHORT,
        filters: {},
        sort: 'peers',
        desc: true,
        offset,
        limit: 2,
      });
      expect(page.total).toBe(want.length);
      expect(page.rows.length).toBe(Math.max(0, Math.min(2, want.length - offset)));
      got.push(...page.rows.map((r) => r.swarmId));
    }
    expect(got).toEqual(want.map((w) => w.id));
  });

  it.each([
    ['offload', false, (w: ReturnType<typeof expected>[number]) => w.offload],
    ['success', true, (w: ReturnType<typeof expected>[number]) => w.success],
    ['updown', true, (w: ReturnType<typeof expected>[number]) => w.upDown],
  ] as const)('sorts by %s (desc %s), empty figures last', async (sort, desc, pick) => {
    const want = expected(cur).sort((x, y) => {
      const a = pick(x);
      const b = pick(y);
      if (a === null || b === null) return a === b ? byBytes(x.id, y.id) : a === null ? 1 : -1;
      return (desc ? b - a : a - b) || byBytes(x.id, y.id);
    });
    const page = await caller.dashboards.swarms({ range: SHORT, filters: {}, sort, desc, limit: 200 });
    expect(page.rows.map((r) => r.swarmId)).toEqual(want.map((w) => w.id));
  });

  it('searches swarm ids (case-insensitive) and counts only the matches', async () => {
    const want = expected(cur).filter((w) => w.id.toLowerCase().includes('720p'));
    const page = await caller.dashboards.swarms({ range: SHORT, filters: {}, q: '720P', limit: 200 });
    expect(page.total).toBe(want.length);
    expect(page.rows.map((r) => r.swarmId).sort()).toEqual(want.map((w) => w.id).sort());
  });

  it('names the troubled swarms and counts them, whatever page is shown', async () => {
    const troubled = expected(cur)
      .filter((w) => w.trouble)
      .sort((x, y) => y.peers - x.peers || byBytes(x.id, y.id));
    expect(troubled.length).toBeGreaterThan(0);
    const page = await caller.dashboards.swarms({ range: SHORT, filters: {}, offset: 1000, limit: 1 });
    expect(page.rows).toEqual([]);
    expect(page.troubleTotal).toBe(troubled.length);
    expect(page.trouble.map((t) => t.swarmId)).toEqual(troubled.slice(0, 10).map((w) => w.id));
    expect(page.trouble.every((t) => t.trouble.length > 0)).toBe(true);
  });

  it('refuses a sort it does not know and a page larger than 200', async () => {
    await expect(
      caller.dashboards.swarms({ range: SHORT, filters: {}, sort: 'swarm_id; DROP' as never }),
    ).rejects.toThrow();
    await expect(caller.dashboards.swarms({ range: SHORT, filters: {}, limit: 201 })).rejects.toThrow();
  });
});

/** The HTTP status a tRPC call's error answers with (400 for input zod refuses). */
async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TRPCError);
    return getHTTPStatusCodeFromError(err as TRPCError);
  }
  return 200;
}

type Fig = number | string | null;
/** Sort as the lists do: by the figure, empty figures last, ties by the key ascending. */
function sortBy<T extends { key: string | number }>(xs: T[], pick: (x: T) => Fig, desc: boolean): T[] {
  const cmpKey = (a: T, b: T) =>
    typeof a.key === 'number' ? a.key - (b.key as number) : byBytes(a.key, b.key as string);
  return [...xs].sort((x, y) => {
    const a = pick(x);
    const b = pick(y);
    if (a === null || b === null) return a === b ? cmpKey(x, y) : a === null ? 1 : -1;
    const c = typeof a === 'string' ? byBytes(a, b as string) : a - (b as number);
    return (desc ? -c : c) || cmpKey(x, y);
  });
}

describe('ISPs list paged, sorted and searched on the server', () => {
  /** Each ISP of the window with the figures the table shows, from the reports themselves. */
  function ispsExpected() {
    const now = Date.now();
    return ISPS.map(({ asn }) => {
      const mine = cur.filter((r) => r._asn === asn);
      const f = flowSums(mine);
      return {
        key: asn,
        cdn: sum(mine, (r) => r.bytes.cdn),
        intra: f.intra,
        in: f.pin,
        out: f.pout,
        balance: ratio(f.pout, f.pin),
        offload: offloadOf(mine),
        peak: peakMbps(mine, SHORT.from.getTime(), SHORT.to.getTime(), now),
      };
    }).filter((e) => cur.some((r) => r._asn === e.key));
  }

  it('pages of 1 by delivered CDN put together are the whole list in order, figures unchanged', async () => {
    const want = sortBy(ispsExpected(), (e) => e.cdn, true);
    expect(want.length).toBe(4);
    const got: number[] = [];
    for (let offset = 0; offset < want.length + 1; offset++) {
      const page = await caller.dashboards.isps({ range: SHORT, filters: {}, offset, limit: 1 });
      expect(page.total).toBe(want.length);
      expect(page.rows.length).toBe(offset < want.length ? 1 : 0);
      for (const row of page.rows) {
        const e = want.find((w) => w.key === row.asn)!;
        expect([row.deliveredCdn, row.p2pIntra, row.p2pIn, row.p2pOut]).toEqual([e.cdn, e.intra, e.in, e.out]);
        close(row.balance, e.balance, 'balance');
        close(row.offload, e.offload, 'offload');
        close(row.peakMbpsP95, e.peak, 'peak');
      }
      got.push(...page.rows.map((r) => r.asn));
    }
    expect(got).toEqual(want.map((w) => w.key));
  });

  it.each([
    ['asn', false, (e: ReturnType<typeof ispsExpected>[number]) => e.key],
    ['intra', true, (e: ReturnType<typeof ispsExpected>[number]) => e.intra],
    ['in', false, (e: ReturnType<typeof ispsExpected>[number]) => e.in],
    ['out', true, (e: ReturnType<typeof ispsExpected>[number]) => e.out],
    ['balance', true, (e: ReturnType<typeof ispsExpected>[number]) => e.balance],
    ['offload', false, (e: ReturnType<typeof ispsExpected>[number]) => e.offload],
    ['peak', true, (e: ReturnType<typeof ispsExpected>[number]) => Number(e.peak.toFixed(9))],
  ] as const)('sorts by %s (desc %s) across pages of 2', async (sort, desc, pick) => {
    const want = sortBy(ispsExpected(), pick, desc).map((w) => w.key);
    const got: number[] = [];
    for (const offset of [0, 2, 4]) {
      const page = await caller.dashboards.isps({ range: SHORT, filters: {}, sort, desc, offset, limit: 2 });
      got.push(...page.rows.map((r) => r.asn));
    }
    expect(got).toEqual(want);
  });

  it('searches ISP names and ASNs (case-insensitive), counting only the matches', async () => {
    const byName = await caller.dashboards.isps({ range: SHORT, filters: {}, q: 'gOOGLE' });
    expect(byName.rows.map((r) => r.asn)).toEqual([15169]);
    expect(byName.total).toBe(1);
    const wantAs1 = ISPS.map((i) => i.asn).filter((a) => `AS${a}`.includes('AS1'));
    const byAsn = await caller.dashboards.isps({ range: SHORT, filters: {}, q: 'as1', sort: 'asn', desc: false });
    expect(byAsn.rows.map((r) => r.asn)).toEqual(wantAs1.sort((a, b) => a - b));
    expect(byAsn.total).toBe(wantAs1.length);
    const none = await caller.dashboards.isps({ range: SHORT, filters: {}, q: 'no such isp' });
    expect([none.total, none.rows.length]).toEqual([0, 0]);
  });

  it('answers 400 to a sort it does not know, a page too large, a negative offset, a search over 100 characters', async () => {
    for (const bad of [
      { sort: 'asn; DROP TABLE x' as never },
      { limit: 201 },
      { offset: -1 },
      { offset: 10_000_001 },
      { q: 'x'.repeat(101) },
    ]) {
      expect(await statusOf(caller.dashboards.isps({ range: SHORT, filters: {}, ...bad })), JSON.stringify(bad)).toBe(
        400,
      );
    }
  });
});

describe('breakdown by title (and every dimension) paged, sorted and searched on the server', () => {
  /** Each value of a dimension in the window with the figures the table shows. */
  function breakdownExpected(key: (r: Rep) => string) {
    const grand = sum(cur, (r) => r.bytes.cdn + r.bytes.p2pDown);
    return [...new Set(cur.map(key))].map((k) => {
      const mine = cur.filter((r) => key(r) === k);
      const cdn = sum(mine, (r) => r.bytes.cdn);
      const p2p = sum(mine, (r) => r.bytes.p2pDown);
      return {
        key: k,
        cdn,
        p2p,
        total: cdn + p2p,
        share: ratio(cdn + p2p, grand),
        offload: offloadOf(mine),
        up: sum(mine, (r) => r.bytes.p2pUp),
      };
    });
  }

  it('titles in pages of 1 by delivered bytes are the whole list in order, figures unchanged', async () => {
    const want = sortBy(
      breakdownExpected((r) => r.contentId),
      (e) => e.total,
      true,
    );
    expect(want.length).toBe(3);
    const got: string[] = [];
    for (let offset = 0; offset <= want.length; offset++) {
      const page = await caller.dashboards.breakdown({
        range: SHORT,
        filters: {},
        dimension: 'contentId',
        offset,
        limit: 1,
      });
      expect(page.total).toBe(want.length);
      for (const row of page.rows) {
        const e = want.find((w) => w.key === row.key)!;
        expect([row.cdnBytes, row.p2pBytes, row.totalBytes, row.p2pUpBytes]).toEqual([e.cdn, e.p2p, e.total, e.up]);
        close(row.share, e.share, 'share');
        close(row.offload, e.offload, 'offload');
      }
      got.push(...page.rows.map((r) => r.key));
    }
    expect(got).toEqual(want.map((w) => w.key));
  });

  it.each([
    ['contentId', 'label', false, (r: Rep) => r.contentId],
    ['contentId', 'offload', true, (r: Rep) => r.contentId],
    ['contentId', 'up', false, (r: Rep) => r.contentId],
    ['asn', 'label', true, (r: Rep) => String(r._asn)],
    ['asn', 'share', false, (r: Rep) => String(r._asn)],
    ['deviceClass', 'cdn', true, (r: Rep) => r.deviceClass],
    ['country', 'p2p', false, (r: Rep) => r._country],
  ] as const)('by %s sorts by %s (desc %s) across pages of 2', async (dimension, sort, desc, key) => {
    const pick = (e: ReturnType<typeof breakdownExpected>[number]): Fig =>
      sort === 'label' ? e.key : sort === 'share' ? e.total : e[sort];
    const want = sortBy(breakdownExpected(key), pick, desc).map((w) => w.key);
    const got: string[] = [];
    for (let offset = 0; offset < want.length + 2; offset += 2) {
      const page = await caller.dashboards.breakdown({
        range: SHORT,
        filters: {},
        dimension,
        sort,
        desc,
        offset,
        limit: 2,
      });
      expect(page.total).toBe(want.length);
      got.push(...page.rows.map((r) => r.key));
    }
    expect(got).toEqual(want);
  });

  it('searches titles (case-insensitive); a row keeps its share of all traffic', async () => {
    const all = breakdownExpected((r) => r.contentId);
    const want = all.filter((e) => e.key.toLowerCase().includes('-b'));
    expect(want.length).toBe(1);
    const page = await caller.dashboards.breakdown({ range: SHORT, filters: {}, dimension: 'contentId', q: 'TITLE-B' });
    expect(page.total).toBe(1);
    expect(page.rows.map((r) => r.key)).toEqual([want[0]!.key]);
    close(page.rows[0]!.share, want[0]!.share, 'share');
    expect(page.rows[0]!.share!).toBeLessThan(1);
  });

  it('searches ISPs by AS<asn> in the breakdown by ISP', async () => {
    const want = ISPS.map((i) => String(i.asn)).filter((a) => `AS${a}`.includes('AS1'));
    const page = await caller.dashboards.breakdown({
      range: SHORT,
      filters: {},
      dimension: 'asn',
      q: 'as1',
      sort: 'label',
      desc: false,
    });
    expect(page.rows.map((r) => r.key)).toEqual(want.sort(byBytes));
    expect(page.total).toBe(want.length);
  });

  it('answers 400 to out-of-range input', async () => {
    for (const bad of [{ sort: 'key' as never }, { limit: 0 }, { offset: 1.5 }, { q: 'é'.repeat(101) }]) {
      expect(
        await statusOf(caller.dashboards.breakdown({ range: SHORT, filters: {}, dimension: 'contentId', ...bad })),
        JSON.stringify(bad),
      ).toBe(400);
    }
  });
});

describe('audit log paged on the server', () => {
  const T0 = Date.UTC(2026, 0, 10, 12);
  // Five entries, three of them in the same millisecond (ordered by id there); ids differ in the last digit.
  const ENTRIES = [0, 1, 2, 3, 4].map((i) => ({
    id: `00000000-0000-4000-8000-00000000000${i}`,
    ts: i < 3 ? T0 : T0 + (i - 2) * 60_000,
    actor_kind: 'user',
    actor_id: i % 2 ? 'u-odd' : 'u-even',
    actor_email: i % 2 ? 'odd@example.com' : 'even@example.com',
    action: `paging.step_${i}`,
    target_type: 'paging',
    target_id: `t${i}`,
    before: '',
    after: '',
    reason: '',
    details: '',
  }));
  // Newest first; same ts by id descending.
  const ORDER = [...ENTRIES].sort((a, b) => b.ts - a.ts || byBytes(b.id, a.id)).map((e) => e.id);

  beforeAll(async () => {
    await insert('audit_log', ENTRIES);
    await audit({ actor: { kind: 'system', id: 'other' }, action: 'other.thing' });
  });

  it('pages of 2 put together are the filtered log newest first, nothing lost or repeated, with the total', async () => {
    const got: string[] = [];
    for (let offset = 0; offset < 8; offset += 2) {
      const page = await caller.audit.list({ actionPrefix: 'paging.', offset, limit: 2 });
      expect(page.total).toBe(ENTRIES.length);
      expect(page.rows.length).toBe(Math.max(0, Math.min(2, ENTRIES.length - offset)));
      got.push(...page.rows.map((r) => r.id));
    }
    expect(got).toEqual(ORDER);
  });

  it('keeps the filters on every page: actor and time range narrow the list and its total', async () => {
    const odd = ENTRIES.filter((e) => e.actor_id === 'u-odd');
    const p1 = await caller.audit.list({ actionPrefix: 'paging.', actor: 'odd@example.com', offset: 0, limit: 1 });
    const p2 = await caller.audit.list({ actionPrefix: 'paging.', actor: 'odd@example.com', offset: 1, limit: 1 });
    expect(p1.total).toBe(odd.length);
    expect([...p1.rows, ...p2.rows].map((r) => r.id)).toEqual(ORDER.filter((id) => odd.some((e) => e.id === id)));
    const late = await caller.audit.list({ actionPrefix: 'paging.', from: new Date(T0 + 1), limit: 50 });
    expect(late.total).toBe(ENTRIES.filter((e) => e.ts > T0).length);
    expect(late.rows.map((r) => r.id)).toEqual(ORDER.filter((id) => ENTRIES.find((e) => e.id === id)!.ts > T0));
  });

  it('answers 400 to a page too large or a negative offset', async () => {
    for (const bad of [{ limit: 201 }, { offset: -2 }, { offset: 10_000_001 }, { actor: 'x'.repeat(201) }]) {
      expect(await statusOf(caller.audit.list(bad)), JSON.stringify(bad)).toBe(400);
    }
  });
});
