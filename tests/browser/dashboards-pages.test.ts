import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '@/lib/format';
import { startApp, type RunningApp } from '../helpers/app';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, cli, signInPage } from '../helpers/auth';
import { launchBrowser, watchPage } from '../helpers/browser';
import { buildDataset, ENV, ingest, sum, within } from '../integration/dashboards-fixture';

let app: RunningApp;
let browser: Browser;
const now = Date.now();
const { reports } = buildDataset(now);

beforeAll(async () => {
  app = await startApp({ env: { ...ADMIN_ENV, ...ENV } });
  await ingest(`${app.url}/api/v1/telemetry`, reports);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const errors = watchPage(page);
  await signInPage(page, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto(`${app.url}${path}`, { waitUntil: 'networkidle' });
  return { page, errors };
}

/** A chart with data: Recharts draws its SVG surface with at least one series path or bar. */
async function expectCharts(page: Page, testIds: string[]) {
  for (const id of testIds) {
    const panel = page.locator(`[data-testid="${id}"]`);
    await panel.locator('svg').first().waitFor({ timeout: 15_000 });
    expect(await panel.locator('[data-testid=empty-state]').count(), id).toBe(0);
    expect(await panel.locator('svg path, svg rect').count(), id).toBeGreaterThan(0);
  }
}

describe('dashboard pages in Chromium', () => {
  it.each([
    ['/overview?range=24h', ['overview-offload', 'tile-offload', 'tile-peers']],
    ['/offload?range=24h', ['offload-bytes', 'offload-ratio', 'offload-breakdown']],
    ['/swarms?range=24h', ['swarm-size', 'size-curve']],
    ['/isps?range=24h', ['isps-balance', 'isps-flows']],
    ['/isps/15169?range=24h', ['isp-traffic', 'isp-balance-series']],
    ['/qoe?range=24h', ['qoe-rebufferRatio', 'qoe-startupP95', 'qoe-failureRate', 'qoe-avgBitrateKbps']],
  ] as const)('%s renders its charts with data, no console error and no failed request', async (path, charts) => {
    const { page, errors } = await open(path);
    await expectCharts(page, [...charts]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('switches the breakdown with its buttons: pressed state and URL follow', async () => {
    const { page, errors } = await open('/offload?range=24h');
    const group = page.getByRole('group', { name: 'Break down by' });
    await expect(group.getByRole('button', { name: 'Device class' }).getAttribute('aria-pressed')).resolves.toBe(
      'true',
    );
    await group.getByRole('button', { name: 'Title' }).click();
    await page.waitForURL((u) => u.searchParams.get('by') === 'contentId');
    await expect.poll(() => group.getByRole('button', { name: 'Title' }).getAttribute('aria-pressed')).toBe('true');
    expect(await group.getByRole('button', { name: 'Device class' }).getAttribute('aria-pressed')).toBe('false');
    await expect
      .poll(() => page.locator('[data-testid=breakdown-table] tbody tr').first().getAttribute('data-row'))
      .toMatch(/^title-/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the CDN price typed on the Overview goes to the URL and prices the same saved bytes', async () => {
    const { page, errors } = await open('/overview?range=24h');
    const cost = page.getByTestId('tile-saved-cost');
    const dollars = async () => Number((await cost.textContent())!.match(/\$([\d,.]+)/)![1]!.replace(/,/g, ''));
    await expect.poll(() => cost.textContent()).toContain('at $0.02/GB');
    const at002 = await dollars();
    expect(at002).toBeGreaterThan(0);
    // typed key by key: "0.0" on the way must not reset what is being typed
    await page.locator('#cost-per-gb').fill('');
    await page.locator('#cost-per-gb').pressSequentially('0.05');
    await page.waitForURL((u) => u.searchParams.get('costPerGb') === '0.05');
    expect(await page.locator('#cost-per-gb').inputValue()).toBe('0.05');
    await expect.poll(() => cost.textContent()).toContain('at $0.05/GB');
    // the same bytes at 2.5 × the price (both figures rounded to cents)
    expect(Math.abs((await dollars()) - at002 * 2.5)).toBeLessThanOrEqual(0.03);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a breakdown row click filters the whole page: URL and figures change', async () => {
    const { page, errors } = await open('/offload?range=24h&by=deviceClass');
    const subtitle = page.locator('[data-testid=offload-bytes-subtitle]');
    const last24 = within(reports, now - 86_400_000, now + 1);
    await expect.poll(() => subtitle.textContent()).toContain(`CDN ${formatBytes(sum(last24, (r) => r.bytes.cdn))}`);
    await page.click('[data-testid=breakdown-table] tr[data-row="mobile"]');
    await page.waitForURL(/deviceClass=mobile/);
    const mobile = last24.filter((r) => r.deviceClass === 'mobile');
    await expect
      .poll(() => subtitle.textContent(), { timeout: 15_000 })
      .toContain(`CDN ${formatBytes(sum(mobile, (r) => r.bytes.cdn))}`);
    await expect(page.locator('[data-testid=filter-chips]').textContent()).resolves.toContain('mobile');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('drills down from the swarms table to one title', async () => {
    const { page, errors } = await open('/swarms?range=24h');
    await page.locator('[data-testid=swarms-table] tr[data-row="title-b/720p"]').click();
    await page.waitForURL(/contentId=title-b/);
    await expect
      .poll(async () =>
        (
          await page
            .locator('[data-testid=swarms-table] tbody tr')
            .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row')))
        ).sort(),
      )
      .toEqual(['title-b/1080p', 'title-b/720p']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens the ISP detail page from the ISPs table', async () => {
    const { page, errors } = await open('/isps?range=24h');
    await page.locator('[data-testid=isps-table] tr[data-row="15169"]').click();
    await page.waitForURL(/\/isps\/15169\?range=24h/);
    await expect
      .poll(() => page.locator('[data-testid=isp-name]').textContent(), { timeout: 15_000 })
      .toContain('Google LLC');
    const last24 = within(reports, now - 86_400_000, now + 1).filter((r) => r._asn === 15169);
    await expect
      .poll(() => page.locator('[data-testid=isp-cdn]').textContent())
      .toContain(formatBytes(sum(last24, (r) => r.bytes.cdn)));
    await expectCharts(page, ['isp-traffic']);
    expect(errors).toEqual([]);
    await page.close();
  });

  const rowKeys = (page: Page, table: string) =>
    page.locator(`[data-testid=${table}] tbody tr`).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row')));
  const urlParams = (page: Page) => Object.fromEntries(new URL(page.url()).searchParams);

  it('sorts, searches and pages the ISPs on the server, with sort, dir, q and page in the URL', async () => {
    const { page, errors } = await open('/isps?range=24h');
    const asns = ['13335', '15169', '19281', '20712'];
    await page.locator('[data-testid=isps-table] button[data-sort=asn]').click();
    await page.waitForURL(/sort=asn/);
    expect(urlParams(page)).toMatchObject({ range: '24h', sort: 'asn' });
    await expect.poll(() => rowKeys(page, 'isps-table')).toEqual([...asns].reverse());
    await page.locator('[data-testid=isps-table] button[data-sort=asn]').click();
    await page.waitForURL(/dir=asc/);
    await expect.poll(() => rowKeys(page, 'isps-table')).toEqual(asns);
    await page.getByRole('searchbox', { name: 'Search ISP name or ASN' }).fill('google');
    await page.getByTestId('isps-search').getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=google/);
    expect(urlParams(page)).toMatchObject({ sort: 'asn', dir: 'asc', q: 'google' });
    await expect.poll(() => rowKeys(page, 'isps-table')).toEqual(['15169']);
    await expect.poll(() => page.getByTestId('isps-pager-range').textContent()).toBe('1–1 of 1');
    // A page past the end says so; Previous goes back to the first page (no page in the URL).
    await page.goto(`${app.url}/isps?range=24h&sort=asn&dir=asc&page=2`, { waitUntil: 'networkidle' });
    await expect.poll(() => page.getByTestId('isps-pager-range').textContent()).toBe('none of 4');
    await page.getByTestId('isps-pager').getByRole('button', { name: '← Previous' }).click();
    await expect.poll(() => urlParams(page)).toEqual({ range: '24h', sort: 'asn', dir: 'asc' });
    await expect.poll(() => rowKeys(page, 'isps-table')).toEqual(asns);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sorts, searches and pages the breakdown by title on the server, with sort, q and page in the URL', async () => {
    const { page, errors } = await open('/offload?range=24h&by=contentId');
    await page.locator('[data-testid=breakdown-table] button[data-sort=label]').click();
    await page.waitForURL(/sort=label/);
    expect(urlParams(page)).toMatchObject({ by: 'contentId', sort: 'label' });
    await expect.poll(() => rowKeys(page, 'breakdown-table')).toEqual(['title-c', 'title-b', 'title-a']);
    await page.getByRole('searchbox', { name: 'Search titles' }).fill('TITLE-B');
    await page.getByTestId('breakdown-search').getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=TITLE-B/);
    await expect.poll(() => rowKeys(page, 'breakdown-table')).toEqual(['title-b']);
    await expect.poll(() => page.getByTestId('breakdown-pager-range').textContent()).toBe('1–1 of 1');
    await page.goto(`${app.url}/offload?range=24h&by=contentId&page=2`, { waitUntil: 'networkidle' });
    await expect.poll(() => page.getByTestId('breakdown-pager-range').textContent()).toBe('none of 3');
    await page.getByTestId('breakdown-pager').getByRole('button', { name: '← Previous' }).click();
    await expect.poll(() => urlParams(page)).toEqual({ range: '24h', by: 'contentId' });
    const last24 = within(reports, now - 86_400_000, now + 1);
    const byTotal = ['title-a', 'title-b', 'title-c']
      .map((t) => ({
        t,
        v: sum(
          last24.filter((r) => r.contentId === t),
          (r) => r.bytes.cdn + r.bytes.p2pDown,
        ),
      }))
      .sort((x, y) => y.v - x.v)
      .map((x) => x.t);
    await expect.poll(() => rowKeys(page, 'breakdown-table')).toEqual(byTotal);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a rollout config change as a mark on the time axis of the time-series charts', async () => {
    await cli(app.dataDir, ['rollout:kill', '--class', 'tablet', '--reason', 'dashboards browser test']);
    const killedAt = Date.now();
    const { page, errors } = await open('/overview?range=24h');
    const chart = page.locator('[data-testid=overview-offload]');
    const mark = chart.locator('[data-testid=chart-mark] button');
    await expect.poll(() => mark.getAttribute('aria-label'), { timeout: 15_000 }).toMatch(/: tablet killed$/);
    expect(await page.locator('[data-testid=chart-annotations]').count()).toBe(0);
    // A change made now sits in the last 15-minute bucket, at the right edge of the padded (20 px) plot;
    // the chart's own tooltip at the mark's x names that bucket.
    const grid = (await chart.locator('.recharts-cartesian-grid').boundingBox())!;
    const box = (await mark.boundingBox())!;
    const x = box.x + box.width / 2;
    expect(Math.abs(x - (grid.x + grid.width - 20))).toBeLessThan((2 * (grid.width - 40)) / 96);
    await page.mouse.move(x, grid.y + grid.height / 3);
    const bucket = new Date(Math.floor(killedAt / 900_000) * 900_000).toISOString().slice(11, 16);
    await expect.poll(() => chart.locator('.recharts-tooltip-wrapper').textContent()).toContain(bucket);
    await mark.hover();
    await expect.poll(() => chart.locator('[data-testid=chart-mark-tooltip]').textContent()).toContain('tablet killed');
    expect(errors).toEqual([]);
    await page.close();
  });
});
