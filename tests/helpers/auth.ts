/**
 * Signing in from tests — the real way, through the real code paths (no test-only branch in auth).
 *
 * Integration tests (in-process store from `withFreshStore()`):
 *   const admin = await callerAs('admin');           // a user of that role is created, a cookie sealed
 *   await admin.caller.users.list();                  // tRPC caller with a real context
 *   const anon = await anonymousCaller();
 *   const headers = await headersAs('viewer');        // Cookie + CSRF headers for serveRoutes() requests
 *
 * Built app (tests/e2e, tests/browser):
 *   const app = await startApp({ env: ADMIN_ENV });   // first admin created at start
 *   const viewer = await addUser(app, 'viewer');      // `user:add` through the CLI (goes through the server)
 *   const cookie = await cookieFor(app.url, viewer.email, viewer.password);   // for fetch
 *   await signInPage(page, app.url, viewer.email, viewer.password);           // for Playwright
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import type { Role } from '@/lib/auth/permissions';

export const ADMIN_EMAIL = 'admin@test.local';
export const ADMIN_PASSWORD = 'admin-password-for-tests';
/** Env for `startApp({ env: ADMIN_ENV })`: the server creates this admin at first start. */
export const ADMIN_ENV: Record<string, string> = {
  SWARMDECK_ADMIN_EMAIL: ADMIN_EMAIL,
  SWARMDECK_ADMIN_PASSWORD: ADMIN_PASSWORD,
};

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: Role;
}

// ---------- in-process (integration tests) ----------

/** Create a user directly in the store (use inside a file that called withFreshStore()). */
export async function createTestUser(role: Role, opts: { email?: string; password?: string } = {}): Promise<TestUser> {
  const { createUser } = await import('@/server/auth/users');
  const { hashPassword } = await import('@/server/auth/passwords');
  const email = opts.email ?? `${role}-${crypto.randomBytes(4).toString('hex')}@test.local`;
  const password = opts.password ?? `pw-${crypto.randomBytes(8).toString('hex')}`;
  const u = await createUser({ email, role, passwordHash: await hashPassword(password) });
  return { id: u.id, email: u.email, password, role };
}

/** A `Cookie` header value carrying a freshly sealed session for the user. */
export async function sessionCookieFor(userId: string): Promise<string> {
  const { sealSession, SESSION_COOKIE } = await import('@/server/auth/session');
  return `${SESSION_COOKIE}=${await sealSession(userId)}`;
}

/** Request headers of a signed-in browser: the session cookie and the console's CSRF header. */
export async function headersAs(role: Role): Promise<{ user: TestUser; headers: Headers }> {
  const user = await createTestUser(role);
  const headers = new Headers({ cookie: await sessionCookieFor(user.id), 'x-swarmdeck-csrf': '1' });
  return { user, headers };
}

/** A tRPC caller with a real context built from real (sealed) cookies for a new user of the role. */
export async function callerAs(role: Role) {
  const { user, headers } = await headersAs(role);
  return { user, headers, caller: await callerWithHeaders(headers) };
}

export async function anonymousCaller() {
  return callerWithHeaders(new Headers({ 'x-swarmdeck-csrf': '1' }));
}

export async function callerWithHeaders(headers: Headers) {
  const { createCaller } = await import('@/server/api/root');
  const { createContext } = await import('@/server/api/trpc');
  return createCaller(await createContext({ headers }));
}

// ---------- built app (e2e / browser) ----------

const run = promisify(execFile);

/** Run a project CLI command against a running app's data dir (it goes through the server). */
export async function cli(dataDir: string, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], {
    env: { ...process.env, SWARMDECK_DATA_DIR: dataDir },
  });
  return stdout;
}

/** `user:add` a user of the role into a running app; returns its credentials. */
export async function addUser(
  app: { dataDir: string },
  role: Role,
  email = `${role}-${crypto.randomBytes(4).toString('hex')}@test.local`,
): Promise<TestUser> {
  const password = `pw-${crypto.randomBytes(8).toString('hex')}`;
  const out = await cli(app.dataDir, ['user:add', '--email', email, '--role', role, '--password', password]);
  const id = /\(id ([0-9a-f-]+)\)/.exec(out)?.[1] ?? '';
  return { id, email, password, role };
}

/** Sign in over HTTP and return the `Cookie` header value to send with fetch. */
export async function cookieFor(appUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${appUrl}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('swarmdeck_session='));
  if (!setCookie) throw new Error('sign-in answered without a session cookie');
  return setCookie.split(';')[0]!;
}

/** Sign in through the real sign-in page in Chromium; resolves once the console has loaded. */
export async function signInPage(page: Page, appUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${appUrl}/sign-in`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/sign-in')), page.click('button[type=submit]')]);
  await page.waitForLoadState('networkidle');
}
