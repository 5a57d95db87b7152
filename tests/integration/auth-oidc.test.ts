/**
 * Single sign-on end to end against a minimal OpenID provider served on loopback by this test
 * (discovery, JWKS, authorize, token with PKCE check, RS256-signed ID tokens): the real openid-client
 * code path, the real route handlers, the real store.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as callback } from '@/app/api/auth/oidc/callback/route';
import { GET as start } from '@/app/api/auth/oidc/start/route';
import { listAudit } from '@/server/audit/log';
import { sessionFromHeaders } from '@/server/auth/session';
import { countUsers, getUserByEmail, getUserById, updateUser } from '@/server/auth/users';
import { createTestUser } from '../helpers/auth';
import { resetEnvCache } from '@/server/env';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';

withFreshStore();

const CLIENT_ID = 'swarmdeck-test';
const CLIENT_SECRET = 'test-client-secret-0001';
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** What the IdP says about the next person to sign in. */
let person: { email: string; groups: string[]; sub?: string; verified?: boolean | null } = {
  email: 'ops@idp.test',
  groups: [],
};
const codes = new Map<string, { nonce: string; challenge: string; redirect: string; person: typeof person }>();

let idp: http.Server;
let idpUrl = '';
let app: { url: string; close(): Promise<void> };

beforeAll(async () => {
  idp = http.createServer(async (req, res) => {
    const url = new URL(req.url!, idpUrl);
    const json = (body: unknown, status = 200) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/.well-known/openid-configuration') {
      return json({
        issuer: idpUrl,
        authorization_endpoint: `${idpUrl}/authorize`,
        token_endpoint: `${idpUrl}/token`,
        jwks_uri: `${idpUrl}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      });
    }
    if (url.pathname === '/jwks') return json({ keys: [jwk] });
    if (url.pathname === '/authorize') {
      const p = url.searchParams;
      if (p.get('client_id') !== CLIENT_ID || p.get('code_challenge_method') !== 'S256')
        return json({ error: 'invalid_request' }, 400);
      const code = crypto.randomBytes(16).toString('hex');
      codes.set(code, {
        nonce: p.get('nonce')!,
        challenge: p.get('code_challenge')!,
        redirect: p.get('redirect_uri')!,
        person,
      });
      const to = new URL(p.get('redirect_uri')!);
      to.searchParams.set('code', code);
      to.searchParams.set('state', p.get('state')!);
      return res.writeHead(302, { location: to.toString() }).end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      for await (const c of req) body += String(c);
      const form = new URLSearchParams(body);
      const basic = (req.headers.authorization ?? '').replace(/^Basic /, '');
      const [id, secret] = basic
        ? Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent)
        : [form.get('client_id'), form.get('client_secret')];
      if (id !== CLIENT_ID || secret !== CLIENT_SECRET) return json({ error: 'invalid_client' }, 401);
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      if (
        !grant ||
        crypto.createHash('sha256').update(verifier).digest('base64url') !== grant.challenge ||
        form.get('redirect_uri') !== grant.redirect
      ) {
        return json({ error: 'invalid_grant' }, 400);
      }
      const now = Math.floor(Date.now() / 1000);
      const p = grant.person;
      // `verified: null` leaves email_verified out of the token, as some IdPs do.
      const claims = {
        iss: idpUrl,
        sub: p.sub ?? p.email.toLowerCase(),
        aud: CLIENT_ID,
        iat: now,
        exp: now + 300,
        nonce: grant.nonce,
        email: p.email,
        ...(p.verified !== null && { email_verified: p.verified ?? true }),
        groups: p.groups,
      };
      const signing = `${b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64(claims)}`;
      const sig = crypto.sign('RSA-SHA256', Buffer.from(signing), privateKey).toString('base64url');
      return json({
        access_token: crypto.randomBytes(16).toString('hex'),
        token_type: 'Bearer',
        expires_in: 300,
        id_token: `${signing}.${sig}`,
      });
    }
    json({ error: 'not found' }, 404);
  });
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  idpUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;

  app = await serveRoutes({ '/api/auth/oidc/start': { GET: start }, '/api/auth/oidc/callback': { GET: callback } });
  Object.assign(process.env, {
    OIDC_ISSUER: idpUrl,
    OIDC_CLIENT_ID: CLIENT_ID,
    OIDC_CLIENT_SECRET: CLIENT_SECRET,
    OIDC_ROLE_MAP: 'sd-admins=admin,noc=operator,partners=viewer',
    OIDC_REDIRECT_URL: `${app.url}/api/auth/oidc/callback`,
  });
  resetEnvCache();
});
afterAll(async () => {
  await app?.close();
  idp?.closeAllConnections();
  await new Promise((r) => idp?.close(r));
});

/** The browser's part: start, follow the IdP's redirect, return to the callback with the flow cookie. */
async function signInWithSso(next = '/rollouts'): Promise<Response> {
  const s = await fetch(`${app.url}/api/auth/oidc/start?next=${encodeURIComponent(next)}`, { redirect: 'manual' });
  expect(s.status).toBe(303);
  const authorize = new URL(s.headers.get('location')!);
  expect(authorize.origin).toBe(idpUrl);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  const flowCookie = s.headers.getSetCookie()[0]!.split(';')[0]!;
  const a = await fetch(authorize, { redirect: 'manual' });
  const back = a.headers.get('location')!;
  return fetch(back, { redirect: 'manual', headers: { cookie: flowCookie } });
}

describe('OIDC single sign-on', () => {
  it('signs in with code + PKCE, maps the strongest group to a role and creates the user', async () => {
    person = { email: 'Ops@IdP.test', groups: ['partners', 'noc', 'unrelated'] };
    const res = await signInWithSso('/rollouts');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/rollouts');
    const session = res.headers.getSetCookie().find((c) => c.startsWith('swarmdeck_session='))!;
    const me = await sessionFromHeaders(new Headers({ cookie: session.split(';')[0]! }));
    expect(me).toMatchObject({ email: 'ops@idp.test', role: 'operator' });
    expect((await listAudit({ action: 'auth.sign_in', actor: 'ops@idp.test' }))[0]!.details).toContain('oidc');
  });

  it('follows group changes at the next sign-in', async () => {
    person = { email: 'ops@idp.test', groups: ['sd-admins'] };
    const res = await signInWithSso();
    const session = res.headers.getSetCookie().find((c) => c.startsWith('swarmdeck_session='))!;
    expect((await sessionFromHeaders(new Headers({ cookie: session.split(';')[0]! })))?.role).toBe('admin');
  });

  it('refuses a person in no mapped group, and a deactivated user', async () => {
    person = { email: 'stranger@idp.test', groups: ['marketing'] };
    const res = await signInWithSso();
    expect(res.headers.get('location')).toBe('/sign-in?error=sso_role');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('swarmdeck_session=F'))).toBe(false);
    expect(await getUserByEmail('stranger@idp.test')).toBeNull();

    const ops = (await getUserByEmail('ops@idp.test'))!;
    await updateUser(ops.id, { status: 'deactivated' });
    person = { email: 'ops@idp.test', groups: ['sd-admins'] };
    const again = await signInWithSso();
    expect(again.headers.get('location')).toBe('/sign-in?error=sso');
  });

  it('refuses a callback without the flow cookie or with a forged state', async () => {
    person = { email: 'ops2@idp.test', groups: ['noc'] };
    const s = await fetch(`${app.url}/api/auth/oidc/start`, { redirect: 'manual' });
    const flowCookie = s.headers.getSetCookie()[0]!.split(';')[0]!;
    const a = await fetch(s.headers.get('location')!, { redirect: 'manual' });
    const back = new URL(a.headers.get('location')!);
    const noCookie = await fetch(back, { redirect: 'manual' });
    expect(noCookie.headers.get('location')).toBe('/sign-in?error=sso');
    back.searchParams.set('state', 'forged');
    const forged = await fetch(back, { redirect: 'manual', headers: { cookie: flowCookie } });
    expect(forged.headers.get('location')).toBe('/sign-in?error=sso');
  });
});

describe('OIDC cannot take over accounts', () => {
  const sessionOf = async (res: Response) => {
    const c = res.headers.getSetCookie().find((x) => x.startsWith('swarmdeck_session=F'));
    return c ? sessionFromHeaders(new Headers({ cookie: c.split(';')[0]! })) : null;
  };

  it('refuses a token without email_verified: true, leaving the local account with that email untouched', async () => {
    const local = await createTestUser('admin', { email: 'boss@idp.test' });
    for (const verified of [null, false]) {
      person = { email: 'boss@idp.test', groups: ['partners'], sub: 'attacker-1', verified };
      const res = await signInWithSso();
      expect(res.headers.get('location')).toBe('/sign-in?error=sso');
      expect(await sessionOf(res)).toBeNull();
    }
    const after = (await getUserById(local.id, { fresh: true }))!;
    expect(after.role).toBe('admin');
    expect(after.idp_subject).toBe('');
  });

  it('accepts an unstated email_verified only when OIDC_TRUST_EMAIL says the IdP is trusted', async () => {
    process.env.OIDC_TRUST_EMAIL = '1';
    try {
      person = { email: 'trusted@idp.test', groups: ['partners'], sub: 'trusted-1', verified: null };
      expect((await sessionOf(await signInWithSso()))?.email).toBe('trusted@idp.test');
    } finally {
      delete process.env.OIDC_TRUST_EMAIL;
    }
  });

  it('links by the IdP subject: a changed email keeps the account; another subject with the email is refused', async () => {
    person = { email: 'link@idp.test', groups: ['noc'], sub: 'sub-link-1' };
    const first = await sessionOf(await signInWithSso());
    expect(first?.role).toBe('operator');
    person = { email: 'renamed@idp.test', groups: ['noc'], sub: 'sub-link-1' };
    expect((await sessionOf(await signInWithSso()))?.id).toBe(first!.id);
    person = { email: 'link@idp.test', groups: ['sd-admins'], sub: 'sub-someone-else' };
    const other = await signInWithSso();
    expect(other.headers.get('location')).toBe('/sign-in?error=sso');
    expect((await getUserById(first!.id, { fresh: true }))!.role).toBe('operator');
  });

  it('never demotes the last active admin; demotes once another admin exists', async () => {
    person = { email: 'solo@idp.test', groups: ['sd-admins'], sub: 'sub-solo' };
    const solo = (await sessionOf(await signInWithSso()))!;
    expect(solo.role).toBe('admin');
    // Make solo the only active admin.
    for (const email of ['boss@idp.test', 'ops@idp.test']) {
      const u = await getUserByEmail(email);
      if (u && u.status === 'active' && u.role === 'admin') await updateUser(u.id, { status: 'deactivated' });
    }
    expect((await countUsers()).admins).toBe(1);
    person = { email: 'solo@idp.test', groups: ['partners'], sub: 'sub-solo' };
    expect((await sessionOf(await signInWithSso()))?.role).toBe('admin');
    expect((await listAudit({ action: 'user.role_change_refused' })).some((r) => r.target_id === solo.id)).toBe(true);
    await createTestUser('admin');
    expect((await sessionOf(await signInWithSso()))?.role).toBe('viewer');
  });
});
