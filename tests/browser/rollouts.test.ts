import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../helpers/app';
import { launchBrowser, watchPage } from '../helpers/browser';
import { ADMIN_ENV, addUser, cookieFor, signInPage, type TestUser } from '../helpers/auth';

const KEY = 'rollouts-browser-ingest-key-0001';
let app: RunningApp;
let browser: Browser;
let operator: TestUser;
let approver: TestUser;
let viewer: TestUser;

beforeAll(async () => {
  app = await startApp({ env: { ...ADMIN_ENV, SWARMDECK_INGEST_KEY: KEY, SWARMDECK_GUARDRAIL_INTERVAL_SECONDS: '0' } });
  browser = await launchBrowser();
  operator = await addUser(app, 'operator');
  approver = await addUser(app, 'approver');
  viewer = await addUser(app, 'viewer');
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function pageAs(u: TestUser): Promise<{ page: Page; errors: string[] }> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = watchPage(page);
  await signInPage(page, app.url, u.email, u.password);
  await page.goto(`${app.url}/rollouts`, { waitUntil: 'networkidle' });
  return { page, errors };
}

async function ofrepMode(deviceId: string) {
  const res = await fetch(`${app.url}/ofrep/v1/evaluate/flags/p2p-mode`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY },
    body: JSON.stringify({ context: { targetingKey: deviceId, deviceClass: 'smart_tv' } }),
  });
  return res.json();
}

describe('rollouts page in Chromium', () => {
  it('a viewer sees every class, fresh and disabled, without edit or kill buttons', async () => {
    const { page, errors } = await pageAs(viewer);
    for (const cls of ['smart_tv', 'streaming_stick', 'game_console', 'set_top_box', 'desktop', 'mobile', 'tablet']) {
      await expect(page.getByTestId(`class-${cls}`).textContent()).resolves.toContain('disabled');
    }
    expect(await page.getByTestId('kill-button').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Kill all classes' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('an operator’s raise becomes a request; a different approver applies it; OFREP follows', async () => {
    const op = await pageAs(operator);
    const card = op.page.getByTestId('class-smart_tv');
    await card.getByRole('button', { name: 'Edit' }).click();
    const dialog = op.page.getByRole('dialog');
    await dialog.locator('select[name=state]').selectOption('enabled');
    await dialog.locator('input[name=percentage]').fill('100');
    await dialog.locator('input[name=maxPeers]').fill('6');
    const changed = dialog.locator('[data-testid=rule-diff] tr[data-changed=true]');
    await expect.poll(() => changed.count()).toBe(3);
    expect(await changed.nth(1).textContent()).toContain('0%100%');
    await expect(dialog.getByTestId('needs-approval').textContent()).resolves.toMatch(/Raises exposure/);
    await dialog.locator('textarea[name=reason]').fill('start TVs');
    await dialog.getByRole('button', { name: 'Request change' }).click();
    await expect.poll(() => dialog.getByTestId('edit-result').textContent()).toMatch(/change request was opened/);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => op.page.getByTestId('request').count()).toBe(1);
    expect(await op.page.getByTestId('request').textContent()).toContain('Your request');
    expect(await op.page.getByTestId('request').getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect((await ofrepMode('tv-1')).reason).toBe('DISABLED');

    const ap = await pageAs(approver);
    const req = ap.page.getByTestId('request');
    await req.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => ap.page.getByTestId('request').count()).toBe(0);
    await expect.poll(() => ap.page.getByTestId('class-smart_tv').getByTestId('percentage').textContent()).toBe('100%');
    const ev = await ofrepMode('tv-1');
    expect(ev).toMatchObject({ value: 'download', reason: 'SPLIT', metadata: { configVersion: 1, cohort: 'p2p' } });

    // Kill from the page: applies at once, with a reason.
    await ap.page.getByTestId('class-smart_tv').getByTestId('kill-button').click();
    await ap.page.getByRole('dialog').locator('textarea[name=reason]').fill('incident 7');
    await ap.page.getByRole('dialog').getByRole('button', { name: 'Kill' }).click();
    await expect.poll(() => ap.page.getByTestId('class-smart_tv').textContent()).toContain('killed');
    expect(await ofrepMode('tv-1')).toMatchObject({ value: 'off', reason: 'DISABLED', metadata: { configVersion: 2 } });
    expect(op.errors).toEqual([]);
    expect(ap.errors).toEqual([]);
    await op.page.context().close();
    await ap.page.context().close();
  });

  it('the built app answers OFREP CORS preflights from a player origin', async () => {
    const pre = await fetch(`${app.url}/ofrep/v1/evaluate/flags`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://player.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    const res = await fetch(`${app.url}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, origin: 'https://player.example' },
      body: JSON.stringify({ context: { targetingKey: 'tv-cors', deviceClass: 'smart_tv' } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/ETag/);
    expect(res.headers.get('etag')).toMatch(/^".+"$/);
  });

  it('the audit page lists those actions and exports them as CSV', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const errors = watchPage(page);
    await signInPage(page, app.url, viewer.email, viewer.password);
    await page.goto(`${app.url}/audit?action=rollout.`, { waitUntil: 'networkidle' });
    const text = await page.getByTestId('audit-table').textContent();
    for (const a of [
      'rollout.change_requested',
      'rollout.change_request_approved',
      'rollout.change_applied',
      'rollout.killed',
    ])
      expect(text).toContain(a);
    expect(text).toContain('incident 7');
    expect(text).not.toContain('auth.sign_in');
    const shown = await page.getByTestId('audit-row').count();
    expect(await page.getByTestId('audit-pager-range').textContent()).toBe(`1–${shown} of ${shown}`);
    // A page past the end keeps the filters; Previous goes back to the first page, the filters still in the URL.
    await page.goto(`${app.url}/audit?action=rollout.&page=2`, { waitUntil: 'networkidle' });
    await expect.poll(() => page.getByTestId('audit-pager-range').textContent()).toBe(`none of ${shown}`);
    expect(await page.getByTestId('audit-export').getAttribute('href')).toBe('/audit/export?action=rollout.');
    await page.getByTestId('audit-pager').getByRole('button', { name: '← Previous' }).click();
    await page.waitForURL((u) => u.search === '?action=rollout.');
    await expect.poll(() => page.getByTestId('audit-row').count()).toBe(shown);
    const href = await page.getByTestId('audit-export').getAttribute('href');
    expect(href).toBe('/audit/export?action=rollout.');
    const csv = await fetch(`${app.url}${href}`, {
      headers: { cookie: await cookieFor(app.url, viewer.email, viewer.password) },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^ts,actor_kind,actor_id,actor_email,action,/);
    expect(lines.filter((l) => l.includes('"rollout.killed"'))).toHaveLength(1);
    expect(lines.some((l) => l.includes(`"${approver.email}"`) && l.includes('"incident 7"'))).toBe(true);
    const anon = await fetch(`${app.url}${href}`);
    expect(anon.status).toBe(401);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
