import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAV } from '@/components/shell/nav';
import { startApp, type RunningApp } from '../helpers/app';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, addUser, signInPage, type TestUser } from '../helpers/auth';
import { launchBrowser } from '../helpers/browser';
import { buildDataset, ENV, ingest, ISPS } from '../integration/dashboards-fixture';

/*
 * Accessibility as a user meets it: every console page with data passes axe-core (no serious or
 * critical violation) in the light and the dark theme, every chart carries a text alternative, and an
 * operator does the day's work by keyboard only — signs in, changes the range and a filter, opens an ISP,
 * and proposes a rollout change. (Console errors and failed requests on these pages are
 * dashboards-pages.test.ts's to catch.)
 */

/** Every page of the navigation, and an ISP's detail page after the ISPs list. */
const PAGES = NAV.flatMap((n) => (n.href === '/isps' ? [n.href, `/isps/${ISPS[0]!.asn}`] : [n.href]));

let app: RunningApp;
let browser: Browser;
let operator: TestUser;

beforeAll(async () => {
  app = await startApp({ env: { ...ADMIN_ENV, ...ENV, SWARMDECK_GUARDRAIL_INTERVAL_SECONDS: '0' } });
  await ingest(`${app.url}/api/v1/telemetry`, buildDataset(Date.now()).reports);
  operator = await addUser(app, 'operator');
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function serious(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('accessibility in Chromium', () => {
  it.each(['light', 'dark'] as const)('every console page passes axe-core in the %s theme', async (theme) => {
    // The theme follows the system preference: emulate it (nothing picked in a cookie).
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 }, colorScheme: theme });
    const page = await ctx.newPage();
    await signInPage(page, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(await serious(page), 'sign-in → overview').toEqual([]);
    for (const path of PAGES) {
      await page.goto(`${app.url}${path}?range=24h`, { waitUntil: 'networkidle' });
      const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
      expect(dark).toBe(theme === 'dark');
      expect(await serious(page), `${theme} ${path}`).toEqual([]);
    }
    await ctx.close();
  });

  it('every chart has a text alternative: its values as a table', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await ctx.newPage();
    await signInPage(page, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    for (const path of ['/overview', '/offload', '/swarms', '/isps', '/qoe']) {
      await page.goto(`${app.url}${path}?range=24h`, { waitUntil: 'networkidle' });
      const charts = page.locator('[data-chart]');
      const n = await charts.count();
      expect(n, path).toBeGreaterThan(0);
      for (let i = 0; i < n; i++) {
        const chart = charts.nth(i);
        if ((await chart.getAttribute('data-chart')) === 'heatmap') continue;
        const table = chart.locator('[data-testid=chart-data-table]');
        expect(await table.count(), `${path} chart ${i}`).toBe(1);
      }
    }
    // one opened: the same figures the chart draws, in its units
    await page.goto(`${app.url}/qoe?range=24h`, { waitUntil: 'networkidle' });
    const details = page.locator('[data-testid=qoe-rebufferRatio] [data-testid=chart-data-table]');
    await details.locator('summary').focus();
    await page.keyboard.press('Enter');
    const cells = details.locator('tbody td');
    await expect.poll(() => cells.count()).toBeGreaterThan(0);
    expect(await cells.allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/%$/)]));
    await ctx.close();
  });

  it('figures stay whole at every width from 1280 px: value and unit on one line, nothing cut off', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await ctx.newPage();
    await signInPage(page, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    for (const width of [1280, 1440, 1920, 2560]) {
      await page.setViewportSize({ width, height: 1000 });
      for (const path of ['/overview', '/offload', '/swarms', '/isps', '/qoe', '/system']) {
        await page.goto(`${app.url}${path}?range=24h`, { waitUntil: 'networkidle' });
        const broken = await page.evaluate(() => {
          const out: string[] = [];
          for (const el of document.querySelectorAll<HTMLElement>('[data-figure]')) {
            const text = el.innerText.trim();
            const line = parseFloat(getComputedStyle(el.firstElementChild ?? el).lineHeight) || 40;
            if (el.scrollWidth > el.clientWidth + 1) out.push(`overflows: ${text}`);
            // one line, or wrapped only where no number is parted from its unit
            if (el.getBoundingClientRect().height > line * 1.5) {
              const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
              for (let n = walk.nextNode(); n; n = walk.nextNode()) {
                for (const m of (n.textContent ?? '').matchAll(/\d[\d.,]* [^\s\d(]+/g)) {
                  const r = document.createRange();
                  r.setStart(n, m.index);
                  r.setEnd(n, m.index + m[0].length);
                  const tops = new Set([...r.getClientRects()].map((q) => Math.round(q.top)));
                  if (tops.size > 1) out.push(`wraps inside "${m[0]}": ${text}`);
                }
              }
            }
          }
          for (const td of document.querySelectorAll<HTMLElement>('td')) {
            if (td.querySelector('[title]')) continue; // a long text cut with an ellipsis, the whole on hover
            if (td.scrollWidth > td.clientWidth + 1) out.push(`cell cut: ${td.innerText.trim()}`);
            if (td.innerText.trim() === '')
              out.push(`empty cell in ${td.closest('[data-testid]')?.getAttribute('data-testid')}`);
          }
          return out;
        });
        expect(broken, `${path} at ${width} px`).toEqual([]);
        expect(
          (await page.locator('[data-figure]').count()) + (await page.locator('td').count()),
          path,
        ).toBeGreaterThan(0);
      }
    }
    await ctx.close();
  });

  it('an operator works by keyboard only: sign in, range, filter, an ISP, a rollout proposal', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await ctx.newPage();

    /** Press Tab until the focused element matches `selector` (and reads `text`), at most `max` presses. */
    async function tabTo(selector: string, text?: string, max = 80) {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        const hit = await page.evaluate(
          ([s, t]) => {
            const el = document.activeElement;
            return !!el && el.matches(s!) && (t === undefined || el.textContent?.trim() === t);
          },
          [selector, text] as const,
        );
        if (hit) return;
      }
      throw new Error(`Tab never reached ${selector}${text ? ` reading ${text}` : ''}`);
    }

    await page.goto(`${app.url}/sign-in`, { waitUntil: 'networkidle' });
    await tabTo('input[name=email]');
    await page.keyboard.type(operator.email);
    await tabTo('input[name=password]');
    await page.keyboard.type(operator.password);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/overview');
    await page.waitForLoadState('networkidle');

    // the range: the select reached by Tab, changed with the arrow keys
    await tabTo('#time-range');
    const before = await page.locator('#time-range').inputValue();
    await page.keyboard.press('ArrowDown');
    await page.waitForURL((u) => u.searchParams.get('range') !== null && u.searchParams.get('range') !== before);

    // a filter: key select, value, Enter
    await tabTo('select[aria-label="Filter by"]');
    await page.keyboard.type('Device'); // type-ahead picks "Device class"
    expect(await page.locator('select[aria-label="Filter by"]').inputValue()).toBe('deviceClass');
    await page.keyboard.press('Tab');
    await page.keyboard.type('mobile');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('deviceClass') === 'mobile');

    // an ISP: the ISPs link in the navigation, then the first ISP's row button
    await tabTo('nav[aria-label=Main] a[href^="/isps"]');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/isps');
    await page.waitForLoadState('networkidle');
    await tabTo('[data-row] button');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => /^\/isps\/\d+$/.test(u.pathname));
    expect(new URL(page.url()).searchParams.get('deviceClass')).toBe('mobile');

    // a rollout proposal: Edit on the smart TV card, fields by keyboard, submit
    await tabTo('nav[aria-label=Main] a[href^="/rollouts"]');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/rollouts');
    await page.waitForLoadState('networkidle');
    await tabTo('[data-testid=class-smart_tv] button', 'Edit');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // focus moved into the dialog
    expect(await page.evaluate(() => document.activeElement?.closest('[role=dialog]') !== null)).toBe(true);
    await tabTo('[role=dialog] select[name=state]');
    await page.keyboard.press('ArrowDown'); // disabled → enabled
    await tabTo('[role=dialog] input[name=percentage]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('20');
    await tabTo('[role=dialog] textarea[name=reason]');
    await page.keyboard.type('keyboard-only proposal');
    await tabTo('[role=dialog] button[type=submit]');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Request change');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.getByTestId('edit-result').textContent()).toMatch(/change request was opened/);
    // focus moved to the dialog's Close button: Enter closes it
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Close');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    const request = page.locator('[data-testid=request]').filter({ hasText: 'keyboard-only proposal' });
    await request.first().waitFor();
    expect(await request.first().textContent()).toContain('smart_tv');
    await ctx.close();
  });
});
