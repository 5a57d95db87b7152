import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleReport } from '@/lib/telemetry/example';
import { startApp, type RunningApp } from '../helpers/app';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, signInPage } from '../helpers/auth';
import { launchBrowser, watchPage } from '../helpers/browser';

/** Settings → Ingest keys: the form asks for a new key's origins, an admin edits them, the API obeys. */
let app: RunningApp;
let browser: Browser;
beforeAll(async () => {
  app = await startApp({ env: ADMIN_ENV });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const PLAYER = 'https://player.example.com';
const OTHER = 'https://other.example.net';

describe('allowed origins of an ingest key', () => {
  it('are set when the key is created and edited later, and the telemetry endpoint obeys them', async () => {
    const page = await (await browser.newContext()).newPage();
    const errors = watchPage(page);
    await signInPage(page, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${app.url}/settings`, { waitUntil: 'networkidle' });
    await page.fill('input[aria-label="Key name"]', 'web-player');
    await page.fill('textarea[aria-label="Allowed origins"]', `${PLAYER}\n`);
    await page.click('button:has-text("Create key")');
    const key = (await page.locator('[data-testid=new-ingest-key]').textContent())!.trim();
    const cell = page.locator('[data-testid="ingest-key-origins-web-player"]');
    await cell.locator(`code:has-text("${PLAYER}")`).waitFor();

    const post = (origin: string) =>
      fetch(`${app.url}/api/v1/telemetry`, {
        method: 'POST',
        headers: { origin, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reports: [exampleReport({ reportId: `origins-${origin.length}-${Date.now()}` })] }),
      });
    expect((await post(PLAYER)).status).toBe(200);
    const refused = await post(OTHER);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toContain(`origin ${OTHER} is not allowed for this key`);

    await cell.locator('button:has-text("Edit")').click();
    await page.fill('textarea[aria-label="Allowed origins of web-player"]', `${PLAYER}\n${OTHER}`);
    await cell.locator('button:has-text("Save")').click();
    await cell.locator(`code:has-text("${OTHER}")`).waitFor();
    // Keys are re-read within 5 s in other processes; this one forgets its cache at once.
    await expect.poll(async () => (await post(OTHER)).status, { timeout: 10_000 }).toBe(200);
    await page.locator('[data-testid="client-drops"]').waitFor();
    expect(errors).toEqual([]);
  });
});
