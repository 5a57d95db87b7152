import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../helpers/app';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, signInPage } from '../helpers/auth';
import { launchBrowser, watchPage } from '../helpers/browser';
import { buildDataset, distinct, ENV, ingest } from '../integration/dashboards-fixture';

/*
 * The Swarms page on the real server, whose start-up tasks run the background summary: once a refresh
 * holds the reports just sent, the page reads it and says as of when; its rows are the swarms by active
 * peers, as computed from the reports. A filtered view answers live and says nothing of the kind.
 */

let app: RunningApp;
let browser: Browser;
const { reports } = buildDataset(Date.now());
const MAX_AGE_S = 8;

beforeAll(async () => {
  app = await startApp({
    env: { ...ADMIN_ENV, ...ENV, SWARMDECK_SWARM_SUMMARY_MAX_AGE_SECONDS: String(MAX_AGE_S) },
  });
  await ingest(`${app.url}/api/v1/telemetry`, reports);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('the Swarms page and its background summary', () => {
  it('shows the summary with its time once it holds the reports, and the same rows as the reports give', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const errors = watchPage(page);
    await signInPage(page, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    const want = [...new Set(reports.map((r) => r.swarmId))]
      .map((id) => ({
        id,
        peers: distinct(
          reports.filter((r) => r.swarmId === id),
          (r) => r.peerId,
        ),
      }))
      .sort((x, y) => y.peers - x.peers || byBytes(x.id, y.id))
      .map((w) => w.id);
    // The refresher takes a snapshot holding the batches within a quarter of the bound after they came.
    const asOf = page.getByTestId('swarms-as-of');
    await expect
      .poll(
        async () => {
          await page.goto(`${app.url}/swarms?range=24h`, { waitUntil: 'networkidle' });
          return asOf.count();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(1);
    expect(await asOf.textContent()).toMatch(/^Figures as of \d\d:\d\d:\d\d UTC/);
    const rows = await page
      .locator('[data-testid=swarms-table] tbody tr')
      .evaluateAll((trs) => trs.map((r) => r.getAttribute('data-row')));
    expect(rows).toEqual(want);
    // A title filter is not what the summary holds: live figures, no "as of".
    await page.goto(`${app.url}/swarms?range=24h&contentId=title-b`, { waitUntil: 'networkidle' });
    await expect
      .poll(() =>
        page
          .locator('[data-testid=swarms-table] tbody tr')
          .evaluateAll((trs) => trs.map((r) => r.getAttribute('data-row'))),
      )
      .toEqual(want.filter((id) => id.startsWith('title-b/')));
    expect(await asOf.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
