import { lookupIp } from '@/server/ingest/geo';
import { OpenFeature } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as bulkRoute from '@/app/ofrep/v1/evaluate/flags/route';
import * as oneRoute from '@/app/ofrep/v1/evaluate/flags/[key]/route';
import * as telemetry from '@/app/api/v1/telemetry/route';
import { DEVICE_CLASSES, type DeviceClass, type RolloutRule } from '@/lib/rollout/rule';
import { runLive } from '@/sim/live';
import type { Tally } from '@/sim/tally';
import { query } from '@/server/clickhouse/client';
import { resetIngestConfig } from '@/server/ingest/config';
import { approveRequest, proposeChange, type Actor } from '@/server/rollout/service';
import { refreshSnapshot, resetSnapshot } from '@/server/rollout/snapshot';
import { serveRoutes, type RouteModule } from '../helpers/http';
import { withFreshStore } from '../helpers/store';

/*
 * A rollout change reaches a running fleet: the simulator plays in real time (speed 1) against the real
 * endpoints; every class starts disabled, then is enabled (download, 100 %). Reports that close more than
 * one flag-refresh period plus two report intervals (and 3 s for the evaluations) after the change must
 * carry the new mode; reports before it, the old one.
 */

const KEY = 'sdk-follow-ingest-key-0001';
withFreshStore({ SWARMDECK_INGEST_KEY: KEY, TRUSTED_PROXIES: '127.0.0.1,::1' });

const alice: Actor = { kind: 'user', id: 'u-alice', email: 'alice@example.com' };
const bob: Actor = { kind: 'user', id: 'u-bob', email: 'bob@example.com' };
const INTERVAL = 4_000;
const REFRESH = 6_000;

async function enable(cls: DeviceClass): Promise<void> {
  const snap = await refreshSnapshot();
  const cur = snap.classes[cls];
  const rule: RolloutRule = {
    ...cur.rule,
    state: 'enabled',
    mode: 'download',
    percentage: 100,
    holdbackPercentage: 0,
    uploadCapKbps: 0,
    maxPeers: 8,
  };
  const res = await proposeChange({
    actor: alice,
    deviceClass: cls,
    rule,
    baseVersion: cur.version,
    reason: 'follow test',
  });
  if (res.outcome === 'requested') await approveRequest({ actor: bob, id: res.requestId });
}

let server: { url: string; close(): Promise<void> };
let changedAt = 0;
let tally: Tally;

const Row = z.object({ ts: z.coerce.number(), p2p_mode: z.string(), cohort: z.string(), opt_out: z.coerce.number() });
const rows = () =>
  query('SELECT toUnixTimestamp64Milli(ts) AS ts, p2p_mode, cohort, opt_out FROM telemetry_raw ORDER BY ts', {}, Row);

beforeAll(async () => {
  resetIngestConfig();
  resetSnapshot();
  server = await serveRoutes({
    '/api/v1/telemetry': telemetry,
    '/ofrep/v1/evaluate/flags': bulkRoute,
    '/ofrep/v1/evaluate/flags/:key': oneRoute as unknown as RouteModule,
  });
  const ac = new AbortController();
  const run = runLive({
    url: server.url,
    key: KEY,
    countryOfIp: (ip) => lookupIp(ip).country,
    peakAllDay: true,
    concurrency: 150,
    speed: 1,
    sinceMs: 0,
    intervalMs: INTERVAL,
    refreshMs: REFRESH,
    sendEveryMs: 500,
    maxInFlight: 16,
    seed: 5,
    log: () => {},
    signal: ac.signal,
  });
  // Until some reports of the disabled fleet are stored.
  const until = Date.now() + 60_000;
  while ((await rows()).length < 20 && Date.now() < until) await new Promise((r) => setTimeout(r, 500));
  for (const cls of DEVICE_CLASSES) await enable(cls);
  changedAt = Date.now();
  await new Promise((r) => setTimeout(r, REFRESH + 4 * INTERVAL + 4_000));
  ac.abort();
  tally = await run;
}, 180_000);

afterAll(async () => {
  await OpenFeature.close();
  await server?.close();
});

describe('a rollout change reaches the running fleet', () => {
  it('reports before the change are CDN only; after one refresh period every player runs the new mode', async () => {
    const all = await rows();
    expect(tally.ofrep.fallbacks).toBe(0);
    const before = all.filter((r) => r.ts < changedAt - INTERVAL);
    const after = all.filter((r) => r.ts > changedAt + REFRESH + 2 * INTERVAL + 3_000 && r.opt_out === 0);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    expect(new Set(before.map((r) => r.p2p_mode))).toEqual(new Set(['off']));
    expect(after.filter((r) => r.p2p_mode !== 'download' || r.cohort !== 'p2p')).toEqual([]);
  });
});
