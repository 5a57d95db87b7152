import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../helpers/app';
import { launchBrowser, watchPage } from '../helpers/browser';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, signInPage } from '../helpers/auth';

const INGEST_KEY = 'reports-browser-ingest-key-0123456789';
let app: RunningApp;
let browser: Browser;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  app = await startApp({ env: { ...ADMIN_ENV, SWARMDECK_INGEST_KEY: INGEST_KEY } });
  browser = await launchBrowser();
  // Loopback clients enrich to the unknown ISP (ASN 0): enough to drive the page end to end.
  const now = Date.now();
  const reports = Array.from({ length: 5 }, (_, i) => ({
    reportId: `browser-rep-${i}-${now}`,
    sessionId: `s${i % 2}`,
    deviceId: 'd1',
    peerId: 'p1',
    ts: now - 60_000 * (i + 1),
    intervalMs: 30_000,
    deviceClass: 'smart_tv',
    clientVersion: '7.12.0',
    contentId: 'title-1',
    swarmId: 'title-1/1080p',
    p2pMode: 'full',
    cohort: 'p2p',
    configVersion: 1,
    bytes: { cdn: 1_000_000, p2pDown: 500_000, p2pUp: 0 },
    flows: [],
    peers: { connected: 1, swarmSize: 10, attempts: 1, failures: 0 },
    qoe: { playMs: 30_000, rebufferMs: 0, rebufferCount: 0, bitrateKbps: 4500 },
  }));
  const res = await fetch(`${app.url}/api/v1/telemetry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${INGEST_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ reports }),
  });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('Reports page and share links', () => {
  it('previews, downloads with the download listed, and shares a read-only report', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const errors = watchPage(page);
    await signInPage(page, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${app.url}/reports?asn=0&start=${today}&end=${today}`);
    const totals = page.getByTestId('report-totals');
    await totals.waitFor();
    expect(await totals.innerText()).toContain('5.00 MB'); // 5 × 1 MB from the CDN

    const download = page.waitForEvent('download');
    await page.getByTestId('download-CSV').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.csv$/);

    await page.reload();
    await page.getByTestId('recent-downloads').waitFor();
    expect(await page.getByTestId('recent-downloads').innerText()).toContain(ADMIN_EMAIL);

    await page.getByTestId('share-create').click();
    const created = await page.getByTestId('share-created').innerText();
    const url = /(http\S+\/share\/[A-Za-z0-9_-]+)/.exec(created)![1]!;

    // someone without a console account
    const anon = await (await browser.newContext()).newPage();
    const res = await anon.goto(url);
    expect(res?.status()).toBe(200);
    await anon.getByTestId('report-totals').waitFor();
    expect(await anon.getByTestId('share-downloads').innerText()).toContain('Download CSV');
    expect(await anon.locator('nav[aria-label="Console"], aside').count()).toBe(0);
    const csv = await anon.evaluate(async () =>
      (await fetch((document.querySelector('[data-testid=share-downloads] a') as HTMLAnchorElement).href)).text(),
    );
    expect(csv.split('\r\n')[0]).toBe(
      'date,asn,isp,delivered_cdn_bytes,p2p_intra_bytes,p2p_in_bytes,p2p_out_bytes,balance,offload_ratio,peak_mbps_p95,sessions,play_hours,rebuffer_ratio',
    );

    // revoke: the link answers 404
    await page.getByTestId('share-links').getByRole('button', { name: 'Revoke' }).first().click();
    await page.getByTestId('share-links').getByText('revoked').waitFor();
    expect((await anon.goto(url))?.status()).toBe(404);
    expect(errors).toEqual([]);
  });
});
