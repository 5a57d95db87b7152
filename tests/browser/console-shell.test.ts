import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../helpers/app';
import { launchBrowser, watchPage } from '../helpers/browser';
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
  const errors = watchPage(page);
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

  it('shows the time range and filters only on pages whose figures use them, and says which filters a page ignores', async () => {
    for (const path of ['/rollouts', '/reports', '/audit', '/settings']) {
      const { page, errors } = await openWatched(`${path}?range=7d&country=DE`);
      expect(await page.locator('[data-testid=time-range]').count(), path).toBe(0);
      expect(await page.locator('select[aria-label="Filter by"]').count(), path).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    }
    const { page, errors } = await openWatched('/swarms?range=7d&country=DE');
    await expect(page.locator('[data-testid=time-range]').inputValue()).resolves.toBe('7d');
    // Swarm figures are kept per swarm and title: only the title filter is offered, the rest are named as ignored.
    expect(
      await page
        .locator('select[aria-label="Filter by"] option')
        .evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value)),
    ).toEqual(['contentId']);
    await expect(page.locator('[data-testid=page-ignores-filters]').textContent()).resolves.toBe(
      'This page ignores: Device class, ISP (ASN), Country, Client version, Cohort',
    );
    await expect(page.locator('[data-testid=filter-chips] [data-ignored]').textContent()).resolves.toContain(
      'Country: DE',
    );
    await page.click('nav >> text=Overview');
    await page.waitForURL(/\/overview\?/);
    expect(await page.locator('select[aria-label="Filter by"] option').count()).toBe(6);
    expect(await page.locator('[data-testid=page-ignores-filters]').count()).toBe(0);
    expect(await page.locator('[data-testid=filter-chips] [data-ignored]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('follows the system colour scheme until the user picks a theme, then keeps the pick', async () => {
    const dark = await browser.newContext({ colorScheme: 'dark', storageState: await context.storageState() });
    const page = await dark.newPage();
    const errors = watchPage(page);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    // The first response already paints dark: the choice is made by CSS, not by a script after load.
    await page.goto(`${app.url}/overview`, { waitUntil: 'commit' });
    await page.waitForSelector('body');
    await expect.poll(background).toBe('rgb(19, 26, 43)');
    await page.waitForLoadState('networkidle');
    await page.click('button[aria-label="Switch to light theme"]');
    expect(await background()).toBe('rgb(249, 250, 251)');
    await page.reload({ waitUntil: 'networkidle' });
    expect(await background()).toBe('rgb(249, 250, 251)');
    expect((await dark.cookies()).find((c) => c.name === 'theme')?.value).toBe('light');
    await page.click('button[aria-label="Follow the system theme"]');
    expect(await background()).toBe('rgb(19, 26, 43)');
    await page.reload({ waitUntil: 'networkidle' });
    expect(await background()).toBe('rgb(19, 26, 43)');
    expect((await dark.cookies()).find((c) => c.name === 'theme')).toBeUndefined();
    expect(errors).toEqual([]);
    await dark.close();
  });

  it('renders the Overview through server prefetch, without the store internals (an admin concern)', async () => {
    const { page, errors } = await openWatched('/overview');
    const html = await (await page.request.get(`${app.url}/overview`)).text();
    // Prefetched on the server: the first HTML already carries the tiles' answer, no loading state.
    expect(html).toContain('data-testid="tile-offload-value"');
    expect(html).not.toContain('Loading tiles');
    await page.locator('[data-testid=tile-offload]').waitFor();
    expect(await page.locator('[data-testid=store-status]').count()).toBe(0);
    expect(await page.locator('main').textContent()).not.toMatch(/dash_totals_1m|ingest_report_ids|migrations applied/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
