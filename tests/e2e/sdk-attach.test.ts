import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as bulkRoute from '@/app/ofrep/v1/evaluate/flags/route';
import * as oneRoute from '@/app/ofrep/v1/evaluate/flags/[key]/route';
import * as telemetry from '@/app/api/v1/telemetry/route';
import type { RolloutRule } from '@/lib/rollout/rule';
import { query } from '@/server/clickhouse/client';
import { resetIngestConfig } from '@/server/ingest/config';
import { approveRequest, proposeChange, type Actor } from '@/server/rollout/service';
import { refreshSnapshot, resetSnapshot } from '@/server/rollout/snapshot';
import { launchBrowser } from '../helpers/browser';
import { serveRoutes, type RouteModule } from '../helpers/http';
import { withFreshStore } from '../helpers/store';

/*
 * attachSwarmdeck on a real p2p-media-loader engine in Chromium against the real OFREP and telemetry
 * endpoints: the rollout's mode and peer limit land in the engine's own settings, a change arrives
 * within the poll interval, an opted-out viewer never runs P2P, and the reports say what the engine ran.
 */

const KEY = 'sdk-attach-ingest-key-0001';
withFreshStore({ SWARMDECK_INGEST_KEY: KEY, SWARMDECK_INGEST_IP_RATE: '0', SWARMDECK_INGEST_LINGER_MS: '0' });
const alice: Actor = { kind: 'user', id: 'u-alice', email: 'alice@example.com' };
const bob: Actor = { kind: 'user', id: 'u-bob', email: 'bob@example.com' };

async function setDesktop(patch: Partial<RolloutRule>): Promise<number> {
  const snap = await refreshSnapshot();
  const cur = snap.classes.desktop;
  const res = await proposeChange({
    actor: alice,
    deviceClass: 'desktop',
    rule: { ...cur.rule, ...patch },
    baseVersion: cur.version,
    reason: 'attach test',
  });
  if (res.outcome === 'requested') await approveRequest({ actor: bob, id: res.requestId });
  return (await refreshSnapshot()).classes.desktop.version;
}

let consoleUrl = '';
let closeConsole: () => Promise<void>;
let site: http.Server;
let origin = '';
let browser: Browser;

beforeAll(async () => {
  resetIngestConfig();
  resetSnapshot();
  const out = await build({
    entryPoints: [path.join(process.cwd(), 'tests/e2e/sdk-attach/page.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    conditions: ['p2pml:core-as-bundle'],
  });
  const script = out.outputFiles[0]!.text;
  const s = await serveRoutes({
    '/api/v1/telemetry': telemetry as unknown as RouteModule,
    '/ofrep/v1/evaluate/flags': bulkRoute as unknown as RouteModule,
    '/ofrep/v1/evaluate/flags/:key': oneRoute as unknown as RouteModule,
  });
  consoleUrl = s.url;
  closeConsole = s.close;
  site = http.createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (req.url === '/favicon.ico') res.writeHead(204).end();
    else
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><meta charset="utf-8"><title>attach</title><script type="module" src="/page.js"></script>',
        );
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://localhost:${(site.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
  await closeConsole?.();
});

type W = {
  make(o: unknown): Promise<EngineState>;
  engineState(): EngineState;
  close(): Promise<{ sessionId: string; stats: Record<string, unknown> }>;
};
interface EngineState {
  disabled: boolean;
  noUpload: boolean;
  downloads: number;
  applied: string;
  cohort: string;
  configVersion: number;
}

async function player(
  deviceId: string,
  optOut: boolean,
): Promise<{ page: Page; first: EngineState; problems: string[] }> {
  const page = await (await browser.newContext()).newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'make' in window);
  const first = await page.evaluate((o) => (window as unknown as W).make(o), {
    baseUrl: consoleUrl,
    ingestKey: KEY,
    deviceId,
    optOut,
  });
  return { page, first, problems };
}

const Row = z.object({
  p2p_mode: z.string(),
  cohort: z.string(),
  config_version: z.coerce.number(),
  opt_out: z.coerce.number(),
  ts: z.coerce.number(),
});

describe('attachSwarmdeck on a real p2p-media-loader engine', () => {
  it('applies the rollout to the engine, follows a change within the poll interval, honours opt-out, and reports what ran', async () => {
    const v1 = await setDesktop({
      state: 'enabled',
      mode: 'download',
      percentage: 100,
      holdbackPercentage: 0,
      uploadCapKbps: 0,
      maxPeers: 2,
    });
    const viewer = await player('attach-device-1', false);
    const optedOut = await player('attach-device-2', true);
    expect(viewer.first).toEqual({
      disabled: false,
      noUpload: true,
      downloads: 2,
      applied: 'download',
      cohort: 'p2p',
      configVersion: v1,
    });
    expect(optedOut.first).toMatchObject({ disabled: true, applied: 'off', configVersion: v1 });

    const v2 = await setDesktop({ mode: 'full', uploadCapKbps: 2_000, maxPeers: 8 });
    await expect
      .poll(() => viewer.page.evaluate(() => (window as unknown as W).engineState()), {
        timeout: 10_000,
        interval: 200,
      })
      .toEqual({ disabled: false, noUpload: false, downloads: 3, applied: 'full', cohort: 'p2p', configVersion: v2 });
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await optedOut.page.evaluate(() => (window as unknown as W).engineState())).toMatchObject({
      disabled: true,
      applied: 'off',
      configVersion: v2,
    });

    const a = await viewer.page.evaluate(() => (window as unknown as W).close());
    const b = await optedOut.page.evaluate(() => (window as unknown as W).close());
    expect(a.stats).toMatchObject({ queued: 0, rejected: 0 });
    expect(b.stats).toMatchObject({ queued: 0, rejected: 0 });
    const rows = async (sessionId: string) =>
      query(
        'SELECT p2p_mode, cohort, config_version, opt_out, toUnixTimestamp64Milli(ts) AS ts FROM telemetry_raw WHERE session_id = {s:String} ORDER BY ts',
        { s: sessionId },
        Row,
      );
    const mine = await rows(a.sessionId);
    // close() sent the last report; it closes an interval run in full under the second rule.
    expect(mine.at(-1)).toMatchObject({ p2p_mode: 'full', cohort: 'p2p', config_version: v2, opt_out: 0 });
    expect(mine.map((r) => r.p2p_mode)).toContain('download');
    const theirs = await rows(b.sessionId);
    expect(theirs.length).toBeGreaterThan(0);
    for (const r of theirs) expect(r).toMatchObject({ p2p_mode: 'off', opt_out: 1 });
    expect([...viewer.problems, ...optedOut.problems]).toEqual([]);
  });
});
