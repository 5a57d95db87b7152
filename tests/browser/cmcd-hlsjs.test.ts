import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../helpers/app';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, cookieFor, signInPage } from '../helpers/auth';
import { launchBrowser, watchPage } from '../helpers/browser';

/**
 * hls.js 1.7 with CMCD v2 event mode switched on, playing a small HLS fixture in Chromium from its own
 * origin, reporting to the built app's POST /api/v1/cmcd (a cross-origin target: CORS preflight and all).
 * Every QoE figure the console then shows for the session is checked against the lines the player sent.
 */

let app: RunningApp;
let browser: Browser;
let player: http.Server;
let playerUrl = '';
let cookie = '';
let ingestKey = '';

const FIXTURE = path.join(process.cwd(), 'tests/fixtures/cmcd-hls');
const HLS_JS = path.join(process.cwd(), 'node_modules/hls.js/dist/hls.min.js');
const SESSION = 'hlsjs-cmcd-session-1';

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>player</title></head><body>
<video id="v" muted playsinline width="320" height="180"></video>
<script src="/hls.min.js"></script>
<script>
  const target = new URL(location.href).searchParams.get('target');
  const video = document.getElementById('v');
  // The README's configuration: the event target is a URL and nothing else.
  const hls = new Hls({
    cmcd: {
      sessionId: '${SESSION}', contentId: 'fixture-title', includeKeys: [],
      eventTargets: [{ url: target, events: ['ps', 'e', 't', 'bc'], interval: 2 }],
    },
  });
  window.done = new Promise((resolve) => video.addEventListener('ended', () => setTimeout(() => { hls.destroy(); resolve(); }, 300)));
  hls.on(Hls.Events.MANIFEST_PARSED, () => video.play());
  hls.loadSource('/media/master.m3u8');
  hls.attachMedia(video);
</script></body></html>`;

async function trpc<T>(proc: string, input: unknown, method: 'GET' | 'POST' = 'GET'): Promise<T> {
  const headers = { cookie, 'content-type': 'application/json', 'x-swarmdeck-csrf': '1' };
  const res =
    method === 'GET'
      ? await fetch(`${app.url}/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, {
          headers,
        })
      : await fetch(`${app.url}/api/trpc/${proc}`, { method, headers, body: JSON.stringify({ json: input }) });
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: unknown };
  if (!body.result) throw new Error(`${proc}: ${res.status} ${JSON.stringify(body.error)}`);
  return body.result.data.json;
}

beforeAll(async () => {
  app = await startApp({ env: { ...ADMIN_ENV, SWARMDECK_INGEST_IP_RATE: '0', SWARMDECK_LOG_LEVEL: 'debug' } });
  cookie = await cookieFor(app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  // An issued key (not the bootstrap one, which the logger scrubs anyway), so the log check below can fail.
  ingestKey = (
    await trpc<{ key: string }>('ingestKeys.create', { name: 'hls.js players', rateLimitPerSec: 1000 }, 'POST')
  ).key;
  player = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/player.html') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (u.pathname === '/favicon.ico') return void res.writeHead(204).end();
    if (u.pathname === '/hls.min.js')
      return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(fs.readFileSync(HLS_JS));
    const file = path.join(FIXTURE, path.basename(u.pathname));
    if (u.pathname.startsWith('/media/') && fs.existsSync(file)) {
      const type = file.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t';
      return void res.writeHead(200, { 'content-type': type }).end(fs.readFileSync(file));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => player.listen(0, '127.0.0.1', r));
  // Another port is another origin than the app's, so the player's reports are cross-origin.
  playerUrl = `http://127.0.0.1:${(player.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (player ? player.close(() => r()) : r()));
  await app?.stop();
});

type Line = Record<string, string | true>;
const parse = (l: string): Line =>
  Object.fromEntries(
    l
      .split(',')
      .map((kv) => (kv.includes('=') ? [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] : [kv, true])),
  );

/** The figures a viewer of these events saw, by the README's rules, computed here from the raw lines. */
function figures(lines: Line[]) {
  const ev = lines.map((l) => ({
    ts: Number(l.ts),
    sn: Number(l.sn),
    sta: typeof l.sta === 'string' ? l.sta : '',
    br: typeof l.br === 'string' ? Number(l.br.replace(/[()]/g, '').split(';')[0]) : null,
  }));
  ev.sort((a, b) => a.ts - b.ts || a.sn - b.sn);
  let state = '';
  let br = 0;
  let play = 0;
  let rebuf = 0;
  let bitratePlay = 0;
  for (let i = 0; i < ev.length; i++) {
    if (i > 0) {
      const gap = Math.min(ev[i]!.ts - ev[i - 1]!.ts, 300_000);
      if (state === 'p') {
        play += gap;
        bitratePlay += gap * br;
      }
      if (state === 'r') rebuf += gap;
    }
    if (ev[i]!.sta) state = ev[i]!.sta;
    if (ev[i]!.br !== null) br = ev[i]!.br!;
  }
  const firstS = ev.find((e) => e.sta === 's')?.ts;
  const firstP = ev.find((e) => e.sta === 'p')?.ts;
  return { play, rebuf, bitratePlay, startup: firstS !== undefined && firstP !== undefined ? firstP - firstS : null };
}

interface QoeRow {
  cohort: string;
  deviceClass: string;
  sessions: number;
  failedSessions: number;
  playMs: number;
  rebufferMs: number;
  startupP50: number | null;
  avgBitrateKbps: number | null;
}

describe('hls.js with CMCD v2 event mode → Swarmdeck', () => {
  const lines: Line[] = [];
  const statuses: number[] = [];

  it('plays the fixture and every event batch is accepted cross-origin', async () => {
    const page = await browser.newPage();
    const errors = watchPage(page);
    const isReport = (r: import('playwright-core').Request) =>
      r.url().includes('/api/v1/cmcd') && r.method() === 'POST';
    page.on('request', (req) => {
      if (isReport(req)) for (const l of (req.postData() ?? '').split('\n').filter(Boolean)) lines.push(parse(l));
    });
    page.on('response', (res) => {
      if (isReport(res.request())) statuses.push(res.status());
    });
    page.on('requestfailed', (req) => {
      if (isReport(req)) statuses.push(-1);
    });
    const target = `${app.url}/api/v1/cmcd?key=${encodeURIComponent(ingestKey)}&cohort=control&dc=desktop`;
    await page.goto(`${playerUrl}/player.html?target=${encodeURIComponent(target)}`);
    await page.waitForFunction(() => (window as unknown as { done?: Promise<void> }).done !== undefined);
    await page.evaluate(() => (window as unknown as { done: Promise<void> }).done);
    await page.waitForTimeout(1000);
    expect(errors).toEqual([]);
    await page.close();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const kinds = new Set(lines.map((l) => l.e));
    expect(kinds.has('ps') && kinds.has('t')).toBe(true);
    expect(new Set(lines.map((l) => l.sid))).toEqual(new Set([`"${SESSION}"`]));
    expect(lines.some((l) => l.sta === 'e')).toBe(true); // it played to the end
  }, 60_000);

  it('the QoE figures (source CMCD) are the ones the player reported', async () => {
    const want = figures(lines);
    // 8 s of media played at normal speed: the playing time must be about that.
    expect(want.play).toBeGreaterThan(6_000);
    expect(want.play).toBeLessThan(12_000);
    const got = await trpc<{ byCohortDevice: QoeRow[] }>('dashboards.qoe', {
      range: { preset: '1h' },
      filters: {},
      source: 'cmcd',
    });
    expect(got.byCohortDevice).toHaveLength(1);
    const row = got.byCohortDevice[0]!;
    expect(row).toMatchObject({
      cohort: 'control',
      deviceClass: 'desktop',
      sessions: 1,
      failedSessions: 0,
      playMs: want.play,
      rebufferMs: want.rebuf,
    });
    expect(row.startupP50).toBe(want.startup);
    expect(row.avgBitrateKbps).toBeCloseTo(want.bitratePlay / want.play, 6);
    // the manifest's BANDWIDTH (280 kbps) is what hls.js reports as `br`
    expect(row.avgBitrateKbps).toBeCloseTo(280, 6);
    const sdk = await trpc<{ byCohortDevice: QoeRow[] }>('dashboards.qoe', {
      range: { preset: '1h' },
      filters: {},
      source: 'sdk',
    });
    expect(sdk.byCohortDevice).toEqual([]);
  });

  it('the QoE page shows the session under the CMCD source', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const errors = watchPage(page);
    await signInPage(page, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${app.url}/qoe?range=1h&source=cmcd`, { waitUntil: 'networkidle' });
    expect(await page.locator('[data-testid=qoe-source]').inputValue()).toBe('cmcd');
    const table = page.locator('[data-testid=qoe-table]');
    await table.locator('tbody tr').first().waitFor({ timeout: 15_000 });
    expect(await table.locator('tbody tr').count()).toBe(1);
    expect(await table.locator('tbody tr').first().innerText()).toContain('control');
    await page.locator('[data-testid=qoe-source]').selectOption('sdk');
    await page.waitForURL(/source=sdk/);
    await table.locator('[data-testid=empty-state]').waitFor({ timeout: 15_000 });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('the ingest key from the URL never reaches the server log', () => {
    expect(app.output()).not.toContain(ingestKey);
    expect(app.output()).not.toContain(encodeURIComponent(ingestKey));
  });
});
