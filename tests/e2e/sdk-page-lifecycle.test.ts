import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as telemetry from '@/app/api/v1/telemetry/route';
import { createCaller } from '@/server/api/root';
import { query } from '@/server/clickhouse/client';
import { resetIngestConfig } from '@/server/ingest/config';
import { launchBrowser } from '../helpers/browser';
import { serveRoutes, type RouteModule } from '../helpers/http';
import { withFreshStore } from '../helpers/store';

/*
 * Reports survive the page (issue 12, item 4) in real Chromium against the real endpoint: a page left
 * with more unsent reports than the keepalive budget holds sends what fits with keepalive and keeps
 * everything in localStorage; the next load resends with the same reportIds (the server counts each
 * once); kept reports older than 24 h are dropped, counted, and the count reaches the console; storage
 * that refuses degrades to memory without an exception.
 */

const KEY = 'sdk-lifecycle-ingest-key-0001';
withFreshStore({ SWARMDECK_INGEST_KEY: KEY, SWARMDECK_INGEST_IP_RATE: '0', SWARMDECK_INGEST_LINGER_MS: '0' });

let consoleUrl = '';
let closeConsole: () => Promise<void>;
let site: http.Server;
let origin = '';
let browser: Browser;
let script = '';
const posts: { bytes: number; reports: number }[] = [];

beforeAll(async () => {
  resetIngestConfig();
  const out = await build({
    entryPoints: [path.join(process.cwd(), 'sdk/index.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'Swarmdeck',
    write: false,
    logLevel: 'silent',
  });
  script = out.outputFiles[0]!.text;
  const s = await serveRoutes({ '/api/v1/telemetry': telemetry as unknown as RouteModule });
  // A relay in front of the endpoint that records each request's body size (the keepalive budget).
  const relay = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (req.method === 'POST') {
      try {
        posts.push({
          bytes: body.length,
          reports: (JSON.parse(body.toString()) as { reports: unknown[] }).reports.length,
        });
      } catch {
        posts.push({ bytes: body.length, reports: -1 });
      }
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    const r = await fetch(`${s.url}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === 'POST' ? body : undefined,
    });
    const out: Record<string, string> = {};
    r.headers.forEach((v, k) => (out[k] = v));
    delete out['content-length'];
    delete out['content-encoding'];
    res.writeHead(r.status, out);
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', () => resolve()));
  consoleUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
  closeConsole = async () => {
    await new Promise<void>((resolve) => relay.close(() => resolve()));
    await s.close();
  };
  site = http.createServer((req, res) => {
    if (req.url === '/sdk.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><meta charset="utf-8"><title>player</title><script src="/sdk.js"></script>');
    }
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

type Sd = typeof import('../../sdk/index');
declare const Swarmdeck: Sd;

const Ids = z.object({ report_id: z.string() });
const storedIds = async (contentId: string) =>
  (await query('SELECT report_id FROM telemetry_raw WHERE content_id = {c:String}', { c: contentId }, Ids))
    .map((r) => r.report_id)
    .sort();

async function open(page: Page): Promise<void> {
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => typeof (window as unknown as { Swarmdeck?: unknown }).Swarmdeck === 'object');
}

describe('reports survive the page', () => {
  it('flushes what fits the keepalive budget on pagehide, keeps the rest, and resends it on the next load with the same reportIds', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await open(page);
    const made = await page.evaluate(
      ({ base, key }) => {
        let t = Date.now() - 600_000;
        const reporter = Swarmdeck.createReporter({
          endpoint: `${base}/api/v1/telemetry`,
          ingestKey: key,
          autoStart: false,
          now: () => (t += 2_000),
          store: Swarmdeck.webStorageStore(),
          session: {
            deviceId: 'life-1',
            deviceClass: 'desktop',
            clientVersion: '1.0.0',
            contentId: 'lifecycle',
            swarmId: 'lifecycle/1',
          },
        });
        // Offline for a while: 150 reports queue up (~100 KiB of JSON, more than one keepalive budget).
        for (let i = 0; i < 150; i++) {
          reporter.counters.addCdn(1000 + i);
          reporter.collect({ force: true });
        }
        addEventListener('pagehide', () => reporter.pageHidden());
        return reporter.transport.pending().map((r) => r.reportId);
      },
      { base: consoleUrl, key: KEY },
    );
    expect(made).toHaveLength(150);
    posts.length = 0;
    await page.goto('about:blank'); // pagehide
    const until = Date.now() + 15_000;
    while (posts.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(posts).toHaveLength(1);
    expect(posts[0]!.bytes).toBeLessThanOrEqual(64 * 1024);
    // The keepalive body is uncompressed JSON: the relay parsed its report count.
    const sentFirst = posts[0]!.reports;
    expect(sentFirst).toBeGreaterThan(0);
    expect(sentFirst).toBeLessThan(150);
    await expect.poll(() => storedIds('lifecycle'), { timeout: 10_000 }).toHaveLength(sentFirst);

    // The next load of the same origin takes over what was kept and sends it: each report stored once.
    await open(page);
    const after = await page.evaluate(
      async ({ base, key }) => {
        const t = new Swarmdeck.Transport({
          endpoint: `${base}/api/v1/telemetry`,
          ingestKey: key,
          store: Swarmdeck.webStorageStore(),
        });
        await t.flush();
        return { stats: t.stats(), left: Object.keys(localStorage).filter((k) => k.startsWith('swarmdeck:')) };
      },
      { base: consoleUrl, key: KEY },
    );
    expect(after.stats).toMatchObject({ restored: 151, accepted: 151 - sentFirst, duplicates: sentFirst, queued: 0 });
    expect(after.left).toEqual([]);
    // The 150 queued reports and the one pagehide closed, each stored exactly once.
    const stored = await storedIds('lifecycle');
    expect(stored).toHaveLength(151);
    expect(new Set(stored).size).toBe(151);
    expect(stored).toEqual(expect.arrayContaining(made));
    expect(problems).toEqual([]);
    await context.close();
  });

  it('drops kept reports older than 24 h, counts them, and the count reaches the console', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await open(page);
    const stats = await page.evaluate(
      async ({ base, key }) => {
        const day = 24 * 3_600_000;
        const old = (i: number) => ({
          createdAt: Date.now() - day - 60_000,
          report: {
            reportId: `expired-report-${i}`,
            sessionId: 's-old',
            deviceId: 'life-2',
            peerId: 'p',
            ts: Date.now() - day,
            intervalMs: 1000,
            deviceClass: 'desktop',
            clientVersion: '1',
            contentId: 'lifecycle-old',
            swarmId: 'x',
            p2pMode: 'off',
            cohort: 'off',
            configVersion: 0,
            bytes: { cdn: 1, p2pDown: 0, p2pUp: 0 },
            peers: { connected: 0, swarmSize: 0, attempts: 0, failures: 0 },
            qoe: { playMs: 0, rebufferMs: 0, rebufferCount: 0, bitrateKbps: 0 },
          },
        });
        localStorage.setItem(
          'swarmdeck:pending:an-old-page',
          JSON.stringify({ entries: [old(1), old(2), old(3)], dropped: { expired: 0, overflow: 4 } }),
        );
        const reporter = Swarmdeck.createReporter({
          endpoint: `${base}/api/v1/telemetry`,
          ingestKey: key,
          autoStart: false,
          store: Swarmdeck.webStorageStore(),
          session: {
            deviceId: 'life-2',
            deviceClass: 'desktop',
            clientVersion: '1.0.0',
            contentId: 'lifecycle-new',
            swarmId: 'lifecycle/1',
          },
        });
        await new Promise((r) => setTimeout(r, 10));
        await reporter.close();
        return reporter.stats();
      },
      { base: consoleUrl, key: KEY },
    );
    expect(stats).toMatchObject({ droppedExpired: 3, accepted: 1, queued: 0, dropsUnreported: 0 });
    expect(await storedIds('lifecycle-old')).toEqual([]);
    const admin = createCaller({
      headers: new Headers({ 'x-swarmdeck-csrf': '1' }),
      user: { id: 'u-admin', email: 'admin@example.com', name: 'Admin', role: 'admin' },
    });
    const drops = await admin.ingestKeys.clientDrops({ days: 7 });
    expect(drops.keys).toEqual([expect.objectContaining({ keyId: 'bootstrap', expired: 3, overflow: 4 })]);
    await context.close();
  });

  it('degrades to memory when storage is full or refused, never throwing into the player', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await open(page);
    const result = await page.evaluate(
      async ({ base, key }) => {
        const out: Record<string, unknown> = {};
        const run = async (label: string) => {
          const reporter = Swarmdeck.createReporter({
            endpoint: `${base}/api/v1/telemetry`,
            ingestKey: key,
            autoStart: false,
            store: Swarmdeck.webStorageStore(),
            session: {
              deviceId: 'life-3',
              deviceClass: 'desktop',
              clientVersion: '1.0.0',
              contentId: `lifecycle-${label}`,
              swarmId: 'lifecycle/1',
            },
          });
          reporter.counters.addCdn(500);
          await new Promise((r) => setTimeout(r, 10));
          reporter.pageHidden();
          await new Promise((r) => setTimeout(r, 10));
          await reporter.close();
          out[label] = reporter.stats();
        };
        const setItem = Storage.prototype.setItem;
        Storage.prototype.setItem = () => {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        };
        await run('full');
        Storage.prototype.setItem = setItem;
        Object.defineProperty(window, 'localStorage', {
          configurable: true,
          get() {
            throw new DOMException('Access is denied for this document.', 'SecurityError');
          },
        });
        await run('refused');
        return out;
      },
      { base: consoleUrl, key: KEY },
    );
    const full = result.full as { accepted: number };
    const refused = result.refused as { accepted: number };
    expect(full).toMatchObject({ storageDegraded: true, queued: 0, rejected: 0 });
    expect(refused).toMatchObject({ storageDegraded: true, queued: 0, rejected: 0 });
    expect(full.accepted).toBeGreaterThanOrEqual(1);
    expect(await storedIds('lifecycle-full')).toHaveLength(full.accepted);
    expect(await storedIds('lifecycle-refused')).toHaveLength(refused.accepted);
    expect(problems).toEqual([]);
    await context.close();
  });
});
