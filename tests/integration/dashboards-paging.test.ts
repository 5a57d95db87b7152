import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as telemetry from '@/app/api/v1/telemetry/route';
import { resetIngestConfig } from '@/server/ingest/config';
import { callerAs } from '../helpers/auth';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';
import {
  buildDataset,
  distinct,
  ENV,
  HOUR,
  ingest,
  offloadOf,
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
