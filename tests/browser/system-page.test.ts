import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleReport } from '@/lib/telemetry/example';
import { startApp, type RunningApp } from '../helpers/app';
import { launchBrowser, watchPage } from '../helpers/browser';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, addUser, signInPage } from '../helpers/auth';

const INGEST_KEY = 'system-browser-ingest-key-0123456789';
const SENT = 240;
let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  app = await startApp({ env: { ...ADMIN_ENV, SWARMDECK_INGEST_KEY: INGEST_KEY, SWARMDECK_INGEST_IP_RATE: '0' } });
  browser = await launchBrowser();
  const stamp = Date.now().toString(36);
  const reports = Array.from({ length: SENT }, (_, i) => exampleReport({ reportId: `system-page-${stamp}-${i}` }));
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
  fs.rmSync(`${app?.dataDir}-backups`, { recursive: true, force: true });
});

describe('System page', () => {
  it('shows an admin the ingestion, the tables, migrations and backups, and backs up on demand', async () => {
    const page = await browser.newPage();
    const problems = watchPage(page);
    await signInPage(page, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'System' }).click();
    await page.waitForURL(/\/system$/);
    const hour = page.getByTestId('ingest-rate-hour');
    await hour.waitFor();
    expect(await hour.innerText()).toContain(`${SENT} reports`);
    expect(await page.getByTestId('ingest-last-report').innerText()).toMatch(/s ago|min ago/);
    const raw = page
      .getByTestId('store-status')
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'telemetry_raw', exact: true }) });
    expect((await raw.getByRole('cell').allInnerTexts()).slice(0, 2)).toEqual(['telemetry_raw', String(SENT)]);
    const files = fs
      .readdirSync(path.join(process.cwd(), 'migrations'))
      .filter((f) => /^\d{4}_.*\.sql$/.test(f)).length;
    expect(await page.getByTestId('migrations').innerText()).toBe(`${files} applied, none pending`);
    expect(await page.getByTestId('writer-queue').innerText()).toBe('0 reports');

    await page.getByTestId('backups-empty').waitFor();
    await page.getByRole('button', { name: 'Back up now' }).click();
    const row = page
      .getByTestId('system-backups')
      .getByRole('row')
      .filter({ hasText: /swarmdeck-\d{8}T/ });
    await row.first().waitFor();
    const name = /swarmdeck-\d{8}T\d{9}Z/.exec(await row.first().innerText())![0];
    expect(fs.existsSync(path.join(`${app.dataDir}-backups`, name, '.backup'))).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('is not in a viewer’s navigation and not found for them', async () => {
    const viewer = await addUser(app, 'viewer');
    const page = await browser.newPage();
    await signInPage(page, app.url, viewer.email, viewer.password);
    expect(await page.getByRole('link', { name: 'System' }).count()).toBe(0);
    const res = await page.goto(`${app.url}/system`);
    expect(res?.status()).toBe(404);
    await page.close();
  });
});
