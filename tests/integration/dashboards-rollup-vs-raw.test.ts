import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as telemetry from '@/app/api/v1/telemetry/route';
import { FIGURES } from '@/server/dashboards/service';
import { resetIngestConfig } from '@/server/ingest/config';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';
import { expectRollupsEqualRaw, stripSource as strip } from './dashboards-compare';
import { buildDataset, ENV, HOUR, ingest } from './dashboards-fixture';

withFreshStore(ENV);

const now = Date.now();
const { reports, base } = buildDataset(now);
let close: () => Promise<void>;

beforeAll(async () => {
  resetIngestConfig();
  const srv = await serveRoutes({ '/api/v1/telemetry': telemetry });
  close = srv.close;
  await ingest(`${srv.url}/api/v1/telemetry`, reports);
});
afterAll(() => close?.());

const RANGES = {
  '3 h (minute grain)': { from: new Date(base - 3 * HOUR), to: new Date(base) },
  '12 h (15-minute grain)': { from: new Date(base - 11 * HOUR - 7 * 60_000), to: new Date(base + 23 * 60_000) },
  '48 h (hour grain)': { from: new Date(base - 47 * HOUR), to: new Date(base + HOUR) },
  'last 24 h (live, 15-minute grain)': { preset: '24h' as const },
  'last 7 d (live, hour grain)': { preset: '7d' as const },
};
const FILTERS = [
  {},
  { cohort: 'p2p' },
  { deviceClass: 'mobile' as const, country: 'US' },
  { contentId: 'title-a' },
  { asn: 15169 },
];

describe('rollup figures equal the same figures computed from telemetry_raw', () => {
  for (const [label, range] of Object.entries(RANGES))
    for (const filters of FILTERS)
      it(`${label}, filters ${JSON.stringify(filters)}`, () => expectRollupsEqualRaw(range, filters, now));

  it('ranges over 6 h up to 24 h read the 15-minute rollups (cascaded from the minute ones)', async () => {
    const input = { range: RANGES['12 h (15-minute grain)'], filters: {} };
    expect((await FIGURES.swarms(input, { now })).source).toBe('dash_swarm_15m');
    const wide = { range: RANGES['last 24 h (live, 15-minute grain)'], filters: { country: 'US' } };
    expect((await FIGURES.qoe(wide, { now })).source).toBe('dash_totals_wide_15m');
  });

  it('every breakdown dimension', async () => {
    for (const dimension of [
      'deviceClass',
      'p2pMode',
      'asn',
      'country',
      'contentId',
      'clientVersion',
      'cohort',
    ] as const) {
      const input = { range: RANGES['3 h (minute grain)'], filters: {}, dimension };
      expect(strip(await FIGURES.breakdown(input, { now })), dimension).toEqual(
        strip(await FIGURES.breakdown(input, { now, raw: true })),
      );
    }
  });
});
