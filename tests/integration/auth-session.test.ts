import { describe, expect, it } from 'vitest';
import { POST as signIn } from '@/app/api/auth/sign-in/route';
import { POST as signOut } from '@/app/api/auth/sign-out/route';
import { listAudit } from '@/server/audit/log';
import { resetLimits } from '@/server/auth/rate-limit';
import { forgetEndedSessions } from '@/server/auth/ended-sessions';
import { sessionFromHeaders } from '@/server/auth/session';
import { updateUser } from '@/server/auth/users';
import { callerAs, createTestUser, sessionCookieFor } from '../helpers/auth';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';

withFreshStore();

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('password sign-in and sessions', () => {
  it('signs in, sets a sealed httpOnly SameSite cookie, and the session resolves to the user', async () => {
    const u = await createTestUser('operator');
    const srv = await serveRoutes({ '/api/auth/sign-in': { POST: signIn } });
    try {
      const res = await post(`${srv.url}/api/auth/sign-in`, { email: u.email.toUpperCase(), password: u.password });
      expect(res.status).toBe(200);
      const cookie = res.headers.getSetCookie()[0]!;
      expect(cookie).toMatch(/^swarmdeck_session=Fe26\.2\*/);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Lax');
      expect(cookie).toContain('Max-Age=43200');
      expect(cookie).not.toContain('Secure');
      const me = await sessionFromHeaders(new Headers({ cookie: cookie.split(';')[0]! }));
      expect(me).toEqual({ id: u.id, email: u.email, name: u.email.split('@')[0], role: 'operator' });
      const rows = await listAudit({ action: 'auth.sign_in' });
      expect(rows.some((r) => r.actor_email === u.email)).toBe(true);
      expect(JSON.stringify(rows)).not.toContain(u.password);
    } finally {
      await srv.close();
    }
  });

  it('answers a wrong password and an unknown email with the same message, audits the email only', async () => {
    const u = await createTestUser('viewer');
    const srv = await serveRoutes({ '/api/auth/sign-in': { POST: signIn } });
    try {
      const a = await post(`${srv.url}/api/auth/sign-in`, { email: u.email, password: 'wrong-password' });
      const b = await post(`${srv.url}/api/auth/sign-in`, { email: 'nobody@test.local', password: 'wrong-password' });
      expect(a.status).toBe(401);
      expect(b.status).toBe(401);
      expect(await a.json()).toEqual(await b.json());
      const failed = await listAudit({ action: 'auth.sign_in_failed' });
      expect(failed.map((r) => r.actor_email)).toEqual(expect.arrayContaining([u.email, 'nobody@test.local']));
      expect(JSON.stringify(failed)).not.toContain('wrong-password');
      expect(JSON.stringify(failed)).not.toContain('127.0.0.1');
    } finally {
      await srv.close();
    }
  });

  it('locks an email out after 5 failures with 429 and Retry-After, even with the right password', async () => {
    resetLimits();
    const u = await createTestUser('viewer');
    const srv = await serveRoutes({ '/api/auth/sign-in': { POST: signIn } });
    try {
      for (let i = 0; i < 5; i++)
        expect((await post(`${srv.url}/api/auth/sign-in`, { email: u.email, password: `bad-${i}` })).status).toBe(401);
      const locked = await post(`${srv.url}/api/auth/sign-in`, { email: u.email, password: u.password });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    } finally {
      await srv.close();
      resetLimits();
    }
  });

  it('refuses a cross-site sign-in POST', async () => {
    const u = await createTestUser('viewer');
    const srv = await serveRoutes({ '/api/auth/sign-in': { POST: signIn } });
    try {
      const res = await post(
        `${srv.url}/api/auth/sign-in`,
        { email: u.email, password: u.password },
        { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      );
      expect(res.status).toBe(403);
    } finally {
      await srv.close();
    }
  });

  it('ends sessions at once when the user is deactivated, and follows a role change', async () => {
    const { user, headers, caller } = await callerAs('viewer');
    expect((await caller.auth.me())?.role).toBe('viewer');
    await updateUser(user.id, { role: 'approver' });
    expect((await sessionFromHeaders(headers))?.role).toBe('approver');
    await updateUser(user.id, { status: 'deactivated' });
    expect(await sessionFromHeaders(headers)).toBeNull();
  });

  it('signs out by clearing the cookie', async () => {
    const { headers } = await callerAs('viewer');
    const srv = await serveRoutes({ '/api/auth/sign-out': { POST: signOut } });
    try {
      const res = await fetch(`${srv.url}/api/auth/sign-out`, {
        method: 'POST',
        headers: { cookie: headers.get('cookie')! },
      });
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie()[0]).toMatch(/^swarmdeck_session=;.*Max-Age=0/);
    } finally {
      await srv.close();
    }
  });

  it('signing out ends that session on the server: a copy of the cookie is refused, after a restart too; other sessions live on', async () => {
    const u = await createTestUser('viewer');
    const other = new Headers({ cookie: await sessionCookieFor(u.id) });
    const srv = await serveRoutes({ '/api/auth/sign-in': { POST: signIn }, '/api/auth/sign-out': { POST: signOut } });
    try {
      const res = await post(`${srv.url}/api/auth/sign-in`, { email: u.email, password: u.password });
      const copy = new Headers({ cookie: res.headers.getSetCookie()[0]!.split(';')[0]! });
      expect(await sessionFromHeaders(copy)).not.toBeNull();
      expect(
        (await fetch(`${srv.url}/api/auth/sign-out`, { method: 'POST', headers: { cookie: copy.get('cookie')! } }))
          .status,
      ).toBe(200);
      expect(await sessionFromHeaders(copy)).toBeNull();
      // What a restarted server knows comes from the store alone.
      forgetEndedSessions();
      expect(await sessionFromHeaders(copy)).toBeNull();
      expect((await sessionFromHeaders(other))?.id).toBe(u.id);
    } finally {
      await srv.close();
    }
  });

  it('rejects a tampered cookie', async () => {
    const { headers } = await callerAs('admin');
    const tampered = headers.get('cookie')!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect(await sessionFromHeaders(new Headers({ cookie: tampered }))).toBeNull();
  });
});

describe('sign out everywhere', () => {
  it('ends every session of the user, the calling one included, and no one else’s', async () => {
    const a = await callerAs('operator');
    const other = await callerAs('operator');
    const second = new Headers({ cookie: await sessionCookieFor(a.user.id) });
    expect(await sessionFromHeaders(second)).not.toBeNull();
    await a.caller.auth.signOutEverywhere();
    expect(await sessionFromHeaders(a.headers)).toBeNull();
    expect(await sessionFromHeaders(second)).toBeNull();
    expect(await sessionFromHeaders(other.headers)).not.toBeNull();
    // …and a fresh sign-in works again.
    expect(await sessionFromHeaders(new Headers({ cookie: await sessionCookieFor(a.user.id) }))).not.toBeNull();
    expect((await listAudit({ action: 'auth.signed_out_everywhere' }))[0]?.actor_id).toBe(a.user.id);
  });
});
