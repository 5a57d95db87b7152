import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../helpers/app';
import { launchBrowser, watchPage, type ExpectedResponse } from '../helpers/browser';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, addUser, signInPage, type TestUser } from '../helpers/auth';

let app: RunningApp;
let browser: Browser;
let viewer: TestUser;
let operator: TestUser;

beforeAll(async () => {
  app = await startApp({ env: ADMIN_ENV });
  browser = await launchBrowser();
  viewer = await addUser(app, 'viewer');
  operator = await addUser(app, 'operator');
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** A fresh browser profile (no cookies) whose console errors — CSP violations included — and failed requests are collected. */
async function freshPage(expect: ExpectedResponse[] = []): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  return { page, errors: watchPage(page, { expect }) };
}

/** Calls a tRPC mutation from inside the page, as the console's own client would (cookie + CSRF header). */
async function callMutation(page: Page, path: string, input: unknown): Promise<{ status: number; code?: string }> {
  return page.evaluate(
    async ({ path, input }) => {
      const res = await fetch(`/api/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-swarmdeck-csrf': '1' },
        body: JSON.stringify({ json: input }),
      });
      const body = (await res.json()) as { error?: { json?: { data?: { code?: string } } } };
      return { status: res.status, code: body.error?.json?.data?.code };
    },
    { path, input },
  );
}

describe('sign-in in Chromium', () => {
  it('sends an anonymous visitor to the sign-in page, with no console error under the CSP', async () => {
    const { page, errors } = await freshPage();
    await page.goto(`${app.url}/overview`);
    await page.waitForURL(/\/sign-in$/);
    await expect(page.locator('h1').textContent()).resolves.toBe('Sign in');
    await expect(page.locator('[data-testid=sso-sign-in]').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows a generic message for a wrong password and stays on the page', async () => {
    const { page } = await freshPage();
    await page.goto(`${app.url}/sign-in`);
    await page.fill('input[name=email]', viewer.email);
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('button[type=submit]');
    await expect(page.locator('[data-testid=sign-in-error]').textContent()).resolves.toBe('Wrong email or password.');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'swarmdeck_session')).toBeUndefined();
    await page.context().close();
  });

  it('signs in, shows who is signed in, and signs out', async () => {
    const { page, errors } = await freshPage();
    await signInPage(page, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/overview');
    await expect(page.locator('[data-testid=whoami]').textContent()).resolves.toBe(`${ADMIN_EMAIL} · admin`);
    const session = (await page.context().cookies()).find((c) => c.name === 'swarmdeck_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await Promise.all([page.waitForURL(/\/sign-in$/), page.click('[data-testid=sign-out]')]);
    expect((await page.context().cookies()).find((c) => c.name === 'swarmdeck_session')).toBeUndefined();
    await page.goto(`${app.url}/settings`);
    await page.waitForURL(/\/sign-in\?next=%2Fsettings$/);
    // Signing in again returns to the page that asked for it.
    await page.fill('input[name=email]', ADMIN_EMAIL);
    await page.fill('input[name=password]', ADMIN_PASSWORD);
    await Promise.all([page.waitForURL(/\/settings$/), page.click('button[type=submit]')]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('roles in Chromium', () => {
  it('a viewer sees no kill switch and no admin panels, and gets 403 when calling the kill switch anyway', async () => {
    const { page, errors } = await freshPage([
      { status: 403, path: '/api/trpc/rollouts.kill' },
      { status: 403, path: '/api/trpc/users.deactivate' },
    ]);
    await signInPage(page, app.url, viewer.email, viewer.password);
    await page.goto(`${app.url}/rollouts`, { waitUntil: 'networkidle' });
    await expect(page.locator('h1').first().textContent()).resolves.toBe('Rollouts');
    // The rollouts view shows the kill state to everyone; the buttons only to roles holding rollouts:kill.
    await page.locator('[data-testid=global-kill]').waitFor();
    await expect(page.locator('[data-testid=kill-button], button:text-matches("kill", "i")').count()).resolves.toBe(0);
    const res = await callMutation(page, 'rollouts.kill', { deviceClass: 'smart_tv', reason: 'viewer tries anyway' });
    expect(res).toEqual({ status: 403, code: 'FORBIDDEN' });
    await page.goto(`${app.url}/settings`, { waitUntil: 'networkidle' });
    await expect(page.locator('[data-testid=settings-readonly]').count()).resolves.toBe(1);
    await expect(page.locator('[data-testid=users-panel]').count()).resolves.toBe(0);
    expect(await callMutation(page, 'users.deactivate', { id: viewer.id })).toEqual({ status: 403, code: 'FORBIDDEN' });
    // The only console errors are the browser's notes on the two refused calls made above.
    expect(errors).toEqual(
      Array(2).fill('Failed to load resource: the server responded with a status of 403 (Forbidden)'),
    );
    // Any role may end all of its own sessions.
    const second = await freshPage();
    await signInPage(second.page, app.url, viewer.email, viewer.password);
    await Promise.all([page.waitForURL(/\/sign-in$/), page.click('[data-testid=sign-out-everywhere]')]);
    await second.page.goto(`${app.url}/overview`);
    await second.page.waitForURL(/\/sign-in$/);
    await second.page.context().close();
    await page.context().close();
  });

  it('an operator sees the kill switch and passes its gate (an invalid input gives 400, not 403)', async () => {
    const { page } = await freshPage();
    await signInPage(page, app.url, operator.email, operator.password);
    await page.goto(`${app.url}/rollouts`, { waitUntil: 'networkidle' });
    await page.locator('[data-testid=global-kill]').waitFor();
    await expect(
      page.locator('[data-testid=kill-button], button:text-matches("kill", "i")').count(),
    ).resolves.toBeGreaterThan(0);
    const res = await callMutation(page, 'rollouts.kill', { deviceClass: 'no-such-class' });
    expect(res.status).toBe(400);
    await page.context().close();
  });

  it('an admin invites a user by one-time link, the invitee sets a password and lands signed in with that role', async () => {
    const { page: admin, errors } = await freshPage();
    await signInPage(admin, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    await admin.goto(`${app.url}/settings`, { waitUntil: 'networkidle' });
    await admin.fill('input[aria-label="Email to invite"]', 'invitee@test.local');
    await admin.selectOption('select[aria-label="Role"]', 'approver');
    await admin.click('button:has-text("Invite")');
    const link = (await admin.locator('[data-testid=invite-link]').textContent())!;
    expect(link).toMatch(new RegExp(`^${app.url}/invite/[A-Za-z0-9_-]{40,}$`));
    await admin.locator('[data-testid="user-row-invitee@test.local"]:has-text("invited")').waitFor();

    const { page: invitee, errors: inviteeErrors } = await freshPage();
    await invitee.goto(link);
    await expect(invitee.locator('[data-testid=invite-email]').textContent()).resolves.toBe('invitee@test.local');
    await invitee.fill('input[name=password]', 'a-good-password-1');
    await invitee.fill('input[name=confirm]', 'a-good-password-1');
    await Promise.all([invitee.waitForURL(/\/overview$/), invitee.click('button[type=submit]')]);
    await expect(invitee.locator('[data-testid=whoami]').textContent()).resolves.toBe('invitee@test.local · approver');

    // The link works once.
    const { page: again } = await freshPage();
    await again.goto(link);
    await expect(again.locator('main [role=alert]').textContent()).resolves.toContain('invalid, used or expired');
    await again.context().close();

    // Deactivation ends the invitee's session at once.
    await admin.reload({ waitUntil: 'networkidle' });
    await admin.locator('[data-testid="user-row-invitee@test.local"] button:has-text("Deactivate")').click();
    await admin.locator('[data-testid="user-row-invitee@test.local"]:has-text("deactivated")').waitFor();
    await invitee.goto(`${app.url}/overview`);
    await invitee.waitForURL(/\/sign-in$/);
    await invitee.goto(`${app.url}/rollouts`);
    await invitee.waitForURL(/\/sign-in\?next=%2Frollouts$/);
    expect(errors).toEqual([]);
    expect(inviteeErrors).toEqual([]);
    await admin.context().close();
    await invitee.context().close();
  });

  it('an admin creates an API token, sees it once, and revokes it', async () => {
    const { page, errors } = await freshPage();
    await signInPage(page, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${app.url}/settings`, { waitUntil: 'networkidle' });
    await page.fill('input[aria-label="Token name"]', 'partner-export');
    await page.click('button:has-text("Create token")');
    const token = (await page.locator('[data-testid=new-api-token]').textContent())!;
    expect(token).toMatch(/^sdk_reports_/);
    const row = page.locator('[data-testid="api-token-row-partner-export"]');
    await page.locator('[data-testid="api-token-row-partner-export"]:has-text("active")').waitFor();
    expect(await row.textContent()).not.toContain(token);
    await row.locator('button:has-text("Revoke")').click();
    await page.locator('[data-testid="api-token-row-partner-export"]:has-text("revoked")').waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('ingest keys in Settings', () => {
  it('an admin creates an ingest key shown once, the telemetry API accepts it, and refuses it once revoked', async () => {
    const { page, errors } = await freshPage();
    await signInPage(page, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${app.url}/settings`, { waitUntil: 'networkidle' });
    await page.fill('input[aria-label="Key name"]', 'browser-app');
    await page.fill('input[aria-label="Rate limit (reports per second)"]', '50');
    await page.click('button:has-text("Create key")');
    const key = (await page.locator('[data-testid=new-ingest-key]').textContent())!;
    const row = page.locator('[data-testid="ingest-key-row-browser-app"]');
    await page.locator('[data-testid="ingest-key-row-browser-app"]:has-text("active")').waitFor();
    expect(await row.textContent()).toContain('50/s');
    expect(await row.textContent()).not.toContain(key);
    const post = (k: string) =>
      fetch(`${app.url}/api/v1/telemetry`, {
        method: 'POST',
        headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' },
        body: '{}',
      });
    expect((await post(key)).status).not.toBe(401);
    await row.locator('button:has-text("Revoke")').click();
    await page.locator('[data-testid="ingest-key-row-browser-app"]:has-text("revoked")').waitFor();
    expect((await post(key)).status).toBe(401);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('single sign-on button', () => {
  it('appears only when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set', async () => {
    const sso = await startApp({
      env: {
        OIDC_ISSUER: 'https://idp.invalid/realms/x',
        OIDC_CLIENT_ID: 'swarmdeck',
        OIDC_CLIENT_SECRET: 'not-a-real-secret',
      },
    });
    try {
      const { page } = await freshPage();
      await page.goto(`${sso.url}/sign-in`);
      await expect(page.locator('[data-testid=sso-sign-in]').getAttribute('href')).resolves.toBe(
        '/api/auth/oidc/start?next=%2Foverview',
      );
      await page.context().close();
    } finally {
      await sso.stop();
    }
  });
});
