import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_MESSAGE } from '@/server/core/errors';
import { startApp, type RunningApp } from '../helpers/app';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, cli, signInPage } from '../helpers/auth';
import { launchBrowser } from '../helpers/browser';

/*
 * A slow store, as an operator meets it: `npm run drill:slow-store` holds the running server's embedded
 * store (through the loopback admin path) while the console's pages are open. Every panel shows its
 * error state with the public message — never the store's own words — OFREP keeps answering from its
 * snapshot, and the pages recover by themselves once the store answers again.
 */

const KEY = 'slow-store-browser-key-0123456789';
const PAGES = ['/overview', '/offload', '/swarms', '/isps', '/qoe'] as const;
const STORE_WORDS = /ClickHouse|Query aborted|sleepEachRow|numbers\(|Code: \d+|timed out:/i;

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  app = await startApp({
    env: { ...ADMIN_ENV, SWARMDECK_INGEST_KEY: KEY, CLICKHOUSE_QUERY_TIMEOUT_MS: '3000' },
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function ofrep(deviceId: string): Promise<{ status: number; ms: number; body: unknown }> {
  const started = performance.now();
  const res = await fetch(`${app.url}/ofrep/v1/evaluate/flags`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context: { targetingKey: deviceId, deviceClass: 'smart_tv' } }),
  });
  const body: unknown = await res.json();
  return { status: res.status, ms: performance.now() - started, body };
}

/** What a page shows in its main region once it settled: its panels' texts. */
async function mainText(page: Page): Promise<string> {
  return page.locator('main').innerText();
}

describe('a slow store in Chromium', () => {
  it('panels show their error state with the public message, OFREP answers, the pages recover', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const signIn = await ctx.newPage();
    await signInPage(signIn, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    // every page once while the store answers: no error state anywhere
    for (const path of PAGES) {
      await signIn.goto(`${app.url}${path}?range=24h`, { waitUntil: 'networkidle' });
      expect(await signIn.getByText('Could not load this panel').count(), path).toBe(0);
    }
    expect((await ofrep('warm-up')).status).toBe(200);

    let held = true;
    const hold = cli(app.dataDir, ['drill:slow-store', '--seconds', '45']).finally(() => (held = false));
    await new Promise((r) => setTimeout(r, 1500));

    const pages = await Promise.all(
      PAGES.map(async (path) => {
        const page = await ctx.newPage();
        await page.goto(`${app.url}${path}?range=24h`, { waitUntil: 'domcontentloaded', timeout: 30_000 });
        return { path, page };
      }),
    );
    for (const { path, page } of pages) {
      const alert = page.getByText('Could not load this panel').first();
      await alert.waitFor({ timeout: 30_000 });
      const text = await mainText(page);
      expect(text, path).toContain(PUBLIC_MESSAGE.timeout);
      expect(text, path).not.toMatch(STORE_WORDS);
      expect(await page.content(), path).not.toMatch(STORE_WORDS);
    }
    // OFREP answers from its snapshot while the console waits on the store
    for (let i = 0; i < 10; i++) {
      const r = await ofrep(`held-${i}`);
      expect(r.status).toBe(200);
      expect(r.ms).toBeLessThan(1000);
      expect((r.body as { flags: unknown[] }).flags.length).toBeGreaterThan(0);
    }
    expect(held).toBe(true);

    await expect(hold).resolves.toMatch(/held the store for \d+\.\d s/);
    // recovered by itself: a reload shows every panel without an error state
    for (const { path, page } of pages) {
      await page.reload({ waitUntil: 'networkidle' });
      expect(await page.getByText('Could not load this panel').count(), path).toBe(0);
      await page.close();
    }
    await ctx.close();
  });
});
