import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../helpers/app';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, cli, cookieFor, signInPage } from '../helpers/auth';
import { launchBrowser, watchPage } from '../helpers/browser';
import { buildDataset, ENV, ingest } from '../integration/dashboards-fixture';

const MIN = 60_000;
/** The chart's buckets: a 12-minute custom range is drawn in 1-minute steps. */
const BUCKETS = 12;
/** Tremor's x-axis padding, which the chart sets explicitly. */
const X_PAD = 20;

let app: RunningApp;
let browser: Browser;
let changes: { t: number; label: string }[];
let from: number;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const utcMinute = (t: number) => new Date(t).toISOString().slice(5, 16).replace('T', ' ');

beforeAll(async () => {
  app = await startApp({ env: { ...ADMIN_ENV, ...ENV } });
  // The fixture's sessions moved into the last ten minutes (one report every 40 s, each under 30 s long),
  // so a short range around now has QoE data.
  const now = Date.now();
  const { reports } = buildDataset(now);
  await ingest(
    `${app.url}/api/v1/telemetry`,
    reports.map((r) => {
      const k = Number(r.reportId.slice(-3));
      return { ...r, reportId: `marks-${r.reportId}`, ts: now - 10 * MIN + k * 40_000 + (r.ts % 1000) };
    }),
  );
  browser = await launchBrowser();

  // One change, then two in the same minute at least a minute later.
  await cli(app.dataDir, ['rollout:kill', '--class', 'tablet', '--reason', 'marks test']);
  await sleep(MIN - (Date.now() % MIN) + 500);
  await cli(app.dataDir, ['rollout:kill', '--class', 'mobile', '--reason', 'marks test']);
  await cli(app.dataDir, ['rollout:kill', '--class', 'desktop', '--reason', 'marks test']);

  const cookie = await cookieFor(app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  const input = {
    json: { from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 3_600_000).toISOString() },
  };
  const res = await fetch(
    `${app.url}/api/trpc/rollouts.annotations?input=${encodeURIComponent(JSON.stringify(input))}`,
    {
      headers: { cookie, 'x-swarmdeck-csrf': '1' },
    },
  );
  const body = (await res.json()) as { result: { data: { json: { ts: string; label: string }[] } } };
  changes = body.result.data.json.map((a) => ({ t: Date.parse(a.ts), label: a.label }));
  from = Math.floor(changes[0]!.t / MIN) * MIN - 6 * MIN;
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function open(): Promise<{ page: Page; errors: string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await ctx.newPage();
  const errors = watchPage(page);
  await signInPage(page, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  const range = `from=${new Date(from).toISOString()}&to=${new Date(from + BUCKETS * MIN).toISOString()}`;
  await page.goto(`${app.url}/qoe?${range}`, { waitUntil: 'networkidle' });
  return { page, errors };
}

describe('rollout changes as marks on the time axis', () => {
  it('the three changes: one alone, then two in one later minute', () => {
    expect(changes.map((c) => c.label)).toEqual(['tablet killed', 'mobile killed', 'desktop killed']);
    expect(Math.floor(changes[1]!.t / MIN)).toBe(Math.floor(changes[2]!.t / MIN));
    expect(Math.floor(changes[1]!.t / MIN)).toBeGreaterThan(Math.floor(changes[0]!.t / MIN));
  });

  it('draws one mark per minute inside the chart, at the point of its minute, with no list under the chart', async () => {
    const { page, errors } = await open();
    const chart = page.locator('[data-testid=qoe-rebufferRatio]');
    const marks = chart.locator('[data-testid=chart-mark]');
    await expect.poll(() => marks.count(), { timeout: 15_000 }).toBe(2);
    // Each of the five QoE charts carries the same two marks; no chips anywhere.
    await expect.poll(() => page.locator('[data-testid=chart-mark]').count()).toBe(10);
    expect(await page.locator('[data-testid=chart-annotations]').count()).toBe(0);

    expect(await marks.evaluateAll((els) => els.map((e) => e.getAttribute('data-count')))).toEqual(['1', '2']);
    const buttons = marks.locator('button');
    expect(await buttons.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual([
      `Rollout change at ${utcMinute(changes[0]!.t)} UTC: tablet killed`,
      `2 rollout changes at ${utcMinute(changes[1]!.t)} UTC`,
    ]);

    const grid = (await chart.locator('.recharts-cartesian-grid').boundingBox())!;
    const step = (grid.width - 2 * X_PAD) / (BUCKETS - 1);
    for (const [k, t] of [changes[0]!.t, changes[1]!.t].entries()) {
      const box = (await buttons.nth(k).boundingBox())!;
      const x = box.x + box.width / 2;
      const bucket = Math.floor((t - from) / MIN);
      expect(x).toBeGreaterThan(grid.x);
      expect(x).toBeLessThan(grid.x + grid.width);
      expect(Math.abs(x - (grid.x + X_PAD + bucket * step))).toBeLessThan(step / 2);
      // The marker sits on the time axis, the bottom edge of the plot.
      expect(Math.abs(box.y + box.height / 2 - (grid.y + grid.height))).toBeLessThan(box.height);
      // The chart's own tooltip at that x names the minute of the change.
      await page.mouse.move(x, grid.y + grid.height / 3);
      await expect
        .poll(() => chart.locator('.recharts-tooltip-wrapper').textContent())
        .toContain(new Date(t).toISOString().slice(11, 16));
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a mark reached with Tab shows its changes; Escape closes them; axe finds nothing in light and dark', async () => {
    const { page, errors } = await open();
    const chart = page.locator('[data-testid=qoe-rebufferRatio]');
    const marks = chart.locator('[data-testid=chart-mark]');
    await expect.poll(() => marks.count(), { timeout: 15_000 }).toBe(2);
    const tips = chart.locator('[data-testid=chart-mark-tooltip]');
    expect(await tips.evaluateAll((els) => els.map((e) => (e as HTMLElement).hidden))).toEqual([true, true]);

    // Start the Tab order at the chart's title, then Tab until a mark of this chart has focus.
    await chart.locator('p, h3').first().click();
    let focused = '';
    for (let i = 0; i < 10 && focused !== 'chart-mark'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(
        (el) =>
          el!.contains(document.activeElement) ? (document.activeElement?.closest('li')?.dataset.testid ?? '') : '',
        await chart.elementHandle(),
      );
    }
    expect(focused).toBe('chart-mark');
    await expect.poll(() => tips.nth(0).isVisible()).toBe(true);
    expect(await tips.nth(0).textContent()).toContain('tablet killed');

    await page.keyboard.press('Tab');
    await expect.poll(() => tips.nth(1).isVisible()).toBe(true);
    expect(await tips.nth(0).isVisible()).toBe(false);
    const text = (await tips.nth(1).textContent())!;
    expect(text).toContain('2 rollout changes');
    expect(text).toContain(`${new Date(changes[1]!.t).toISOString().slice(5, 19).replace('T', ' ')} UTC`);
    expect(text).toContain('mobile killed');
    expect(text).toContain('desktop killed');

    for (const theme of ['light', 'dark']) {
      if (theme === 'dark') await page.evaluate(() => document.documentElement.classList.add('dark'));
      const axe = await new AxeBuilder({ page })
        .include('[data-testid=qoe-rebufferRatio] [data-chart=time-series]')
        .analyze();
      expect(
        axe.violations.map((v) => `${theme}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      ).toEqual([]);
    }

    await page.keyboard.press('Escape');
    await expect.poll(() => tips.nth(1).isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      `2 rollout changes at ${utcMinute(changes[1]!.t)} UTC`,
    );
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
