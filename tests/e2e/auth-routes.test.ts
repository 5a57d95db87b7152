/**
 * The built app: first-run admin, `user:add` through the running server, every console route as
 * anonymous and as each role, and the security headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, ROLES, type Role } from '@/lib/auth/permissions';
import { NAV } from '@/components/shell/nav';
import { startApp, type RunningApp } from '../helpers/app';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, addUser, cli, cookieFor } from '../helpers/auth';

let app: RunningApp;
const cookies = new Map<Role, string>();

beforeAll(async () => {
  app = await startApp({ env: { ...ADMIN_ENV, TRUSTED_PROXIES: '127.0.0.1' } });
  cookies.set('admin', await cookieFor(app.url, ADMIN_EMAIL, ADMIN_PASSWORD));
  for (const role of ROLES.filter((r) => r !== 'admin')) {
    const u = await addUser(app, role);
    cookies.set(role, await cookieFor(app.url, u.email, u.password));
  }
});
afterAll(() => app?.stop());

const CONSOLE_ROUTES = ['/', ...NAV.map((n) => n.href)];

describe('first run and the CLI', () => {
  it('created the first admin from SWARMDECK_ADMIN_EMAIL/PASSWORD and never printed the password', () => {
    expect(app.output()).toContain(`created the first admin ${ADMIN_EMAIL}`);
    expect(app.output()).not.toContain(ADMIN_PASSWORD);
  });

  it('user:add runs inside the running server and prints a generated password once', async () => {
    const out = await cli(app.dataDir, ['user:add', '--email', 'gen@test.local', '--role', 'viewer']);
    expect(out).toContain('ran inside the running server');
    const pw = /password \(shown once\): (\S+)/.exec(out)?.[1];
    expect(pw).toHaveLength(20);
    await expect(cookieFor(app.url, 'gen@test.local', pw!)).resolves.toMatch(/^swarmdeck_session=/);
    expect(app.output()).not.toContain(pw!);
  });

  it('user:add refuses a duplicate email and an unknown role', async () => {
    await expect(cli(app.dataDir, ['user:add', '--email', ADMIN_EMAIL, '--role', 'viewer'])).rejects.toMatchObject({
      stderr: expect.stringContaining('already exists'),
    });
    await expect(cli(app.dataDir, ['user:add', '--email', 'x@test.local', '--role', 'root'])).rejects.toMatchObject({
      stderr: expect.stringContaining('--role'),
    });
  });

  it('token:add prints a reports token once that the reports API accepts', async () => {
    const out = await cli(app.dataDir, ['token:add', '--scope', 'reports', '--name', 'e2e', '--expires-days', '7']);
    const token = /token \(shown once\): (\S+)/.exec(out)?.[1];
    expect(token).toMatch(/^sdk_reports_/);
    const res = await fetch(`${app.url}/api/v1/reports/isp?asn=64500&from=2026-01-01&to=2026-01-01&format=json`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect([401, 403]).not.toContain(res.status);
  });
});

describe('every console route × every role', () => {
  for (const route of CONSOLE_ROUTES) {
    it(`${route}: anonymous is sent to /sign-in`, async () => {
      const res = await fetch(`${app.url}${route}`, { redirect: 'manual' });
      expect([303, 307, 308]).toContain(res.status);
      const target = new URL(res.headers.get('location')!, app.url);
      // '/' redirects to /overview first, which then sends anonymous users to /sign-in.
      if (route === '/') expect(target.pathname).toBe('/overview');
      else {
        expect(target.pathname).toBe('/sign-in');
        // …and comes back to the page after signing in.
        expect(target.searchParams.get('next')).toBe(route === '/overview' ? null : route);
      }
    });
  }

  for (const item of NAV) {
    it(`${item.href}: each role gets the page exactly when it holds ${item.permission}`, async () => {
      for (const role of ROLES) {
        const res = await fetch(`${app.url}${item.href}`, {
          redirect: 'manual',
          headers: { cookie: cookies.get(role)! },
        });
        expect({ role, status: res.status }).toEqual({ role, status: can(role, item.permission) ? 200 : 404 });
      }
    });
  }

  it('a deactivated user is signed out on the next request', async () => {
    const u = await addUser(app, 'viewer');
    const cookie = await cookieFor(app.url, u.email, u.password);
    expect((await fetch(`${app.url}/overview`, { redirect: 'manual', headers: { cookie } })).status).toBe(200);
    const admin = cookies.get('admin')!;
    const res = await fetch(`${app.url}/api/trpc/users.deactivate`, {
      method: 'POST',
      headers: { cookie: admin, 'content-type': 'application/json', 'x-swarmdeck-csrf': '1' },
      body: JSON.stringify({ json: { id: u.id } }),
    });
    expect(res.status).toBe(200);
    expect((await fetch(`${app.url}/overview`, { redirect: 'manual', headers: { cookie } })).status).toBe(307);
  });
});

describe('security headers', () => {
  it('pages carry a nonce CSP, frame-ancestors none, nosniff and a referrer policy; no HSTS over plain HTTP', async () => {
    const res = await fetch(`${app.url}/sign-in`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('strict-transport-security')).toBeNull();
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(await res.text()).toContain(`nonce="${nonce}"`);
    const again = await fetch(`${app.url}/sign-in`);
    expect(again.headers.get('content-security-policy')).not.toBe(csp);
  });

  it('machine routes get a locked-down CSP', async () => {
    const res = await fetch(`${app.url}/api/health`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('behind a trusted TLS proxy: HSTS on pages and Secure session cookies', async () => {
    const page = await fetch(`${app.url}/sign-in`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    const res = await fetch(`${app.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
    });
    expect(res.headers.getSetCookie()[0]).toMatch(/; Secure/);
  });
});

describe('first run without an admin', () => {
  it('npm start with no user says how to create one', async () => {
    const bare = await startApp();
    try {
      expect(bare.output()).toContain('npm run user:add -- --email');
      expect(bare.output()).toContain('--role admin');
    } finally {
      await bare.stop();
    }
  });

  it('demo mode creates admin@swarmdeck.local and prints its sign-in once', async () => {
    const demo = await startApp({ env: { SWARMDECK_DEMO: '1' } });
    try {
      const pw = /admin@swarmdeck\.local\s+\/\s+(\S+)/.exec(demo.output())?.[1];
      expect(pw).toBeTruthy();
      await expect(cookieFor(demo.url, 'admin@swarmdeck.local', pw!)).resolves.toMatch(/^swarmdeck_session=/);
    } finally {
      await demo.stop();
    }
    // A restart keeps the user, prints no new password, and the persisted secret keeps sessions valid.
    const again = await startApp({ dataDir: demo.dataDir, env: { SWARMDECK_DEMO: '1' } });
    try {
      expect(again.output()).not.toContain('demo admin created');
    } finally {
      await again.stop();
    }
  });
});
