import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../helpers/app';
import { launchBrowser } from '../helpers/browser';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, signInPage } from '../helpers/auth';

const PAGES = [
  ['/overview', 'Overview'],
  ['/swarms', 'Swarms'],
  ['/offload', 'Offload'],
  ['/isps', 'ISPs'],
  ['/qoe', 'QoE'],
  ['/rollouts', 'Rollouts'],
  ['/reports', 'Reports'],
  ['/audit', 'Audit'],
  ['/settings', 'Settings'],
] as const;

let app: RunningApp;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  app = await startApp({ env: ADMIN_ENV });
  browser = await launchBrowser();
  // Every page of the console needs a session: sign in once through the real sign-in page.
  context = await browser.newContext();
  const page = await context.newPage();
  await signInPage(page, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.close();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function openWatched(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${app.url}${path}`, { waitUntil: 'networkidle' });
  return { page, errors };
}

describe('console shell in Chromium', () => {
  it.each(PAGES)('%s renders its title with no console error', async (path, title) => {
    const { page, errors } = await openWatched(path);
    await expect(page.locator('h1').first().textContent()).resolves.toBe(title);
    expect(await page.title()).toContain(title);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps the time range and filters in the URL, and the sidebar keeps them', async () => {
    const { page, errors } = await openWatched('/overview');
    await page.selectOption('[data-testid=time-range]', '7d');
    await page.waitForURL(/range=7d/);
    await page.selectOption('select[aria-label="Filter by"]', 'country');
    await page.fill('input[aria-label="Filter value"]', 'DE');
    await page.click('button:has-text("+ Filter")');
    await page.waitForURL(/country=DE/);
    await expect(page.locator('[data-testid=filter-chips]').textContent()).resolves.toContain('Country: DE');
    await page.click('nav >> text=Offload');
    await page.waitForURL(/\/offload\?.*range=7d/);
    expect(new URL(page.url()).searchParams.get('country')).toBe('DE');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('rejects an invalid filter value with a message and leaves the URL alone', async () => {
    const { page } = await openWatched('/overview');
    await page.selectOption('select[aria-label="Filter by"]', 'asn');
    await page.fill('input[aria-label="Filter value"]', 'not-a-number');
    await page.click('button:has-text("+ Filter")');
    await expect(page.locator('[role=alert]').first().textContent()).resolves.toMatch(/ISP \(ASN\)/);
    expect(new URL(page.url()).searchParams.has('asn')).toBe(false);
    await page.close();
  });

  it('switches to the dark theme and keeps it across a reload', async () => {
    const { page } = await openWatched('/overview');
    await page.click('button[aria-label="Switch to dark theme"]');
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    await page.close();
  });

  it('shows the store status through server prefetch', async () => {
    const { page } = await openWatched('/overview');
    const html = await (await page.request.get(`${app.url}/overview`)).text();
    // Prefetched on the server: the first HTML already carries the store's answer, no loading state.
    expect(html).toContain('migrations applied');
    await expect(page.locator('[data-testid=store-status]').textContent()).resolves.toMatch(/Embedded ClickHouse \(chdb\) \d+\.\d+/);
    await page.close();
  });
});
