import { describe, expect, it } from 'vitest';
import { POST as acceptInviteRoute } from '@/app/api/auth/invite/route';
import { listAudit } from '@/server/audit/log';
import { createApiToken, hashToken, verifyApiToken } from '@/server/auth/api-tokens';
import { requirePermission } from '@/server/auth/guard';
import { sessionFromHeaders } from '@/server/auth/session';
import { insert } from '@/server/clickhouse/client';
import { callerAs, headersAs } from '../helpers/auth';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';

withFreshStore({ SWARMDECK_REPORTS_TOKEN: 'bootstrap-reports-token-01' });

describe('user administration through the users router', () => {
  it('invites by one-time link, changes the role, deactivates — each audited, no secret in the audit', async () => {
    const { user: admin, caller } = await callerAs('admin');
    const invite = await caller.users.invite({ email: 'New.Person@Example.com', role: 'viewer' });
    expect(invite.path).toMatch(/^\/invite\/[A-Za-z0-9_-]{43}$/);
    const listed = (await caller.users.list()).find((u) => u.email === 'new.person@example.com');
    expect(listed).toMatchObject({ role: 'viewer', status: 'invited' });
    expect(JSON.stringify(await caller.users.list())).not.toContain('password');

    const srv = await serveRoutes({ '/api/auth/invite': { POST: acceptInviteRoute } });
    try {
      const token = invite.path.split('/').pop()!;
      const accept = (password: string) =>
        fetch(`${srv.url}/api/auth/invite`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token, password }),
        });
      expect((await accept('short')).status).toBe(400);
      const ok = await accept('long-enough-password');
      expect(ok.status).toBe(200);
      const cookie = ok.headers.getSetCookie()[0]!.split(';')[0]!;
      expect((await sessionFromHeaders(new Headers({ cookie })))?.email).toBe('new.person@example.com');
      expect((await accept('another-password-1')).status).toBe(404);

      await caller.users.changeRole({ id: invite.userId, role: 'operator' });
      expect((await sessionFromHeaders(new Headers({ cookie })))?.role).toBe('operator');
      await caller.users.deactivate({ id: invite.userId });
      expect(await sessionFromHeaders(new Headers({ cookie }))).toBeNull();
    } finally {
      await srv.close();
    }

    const rows = await listAudit({ targetId: invite.userId });
    expect(rows.map((r) => r.action).sort()).toEqual([
      'user.deactivated',
      'user.invite_accepted',
      'user.invited',
      'user.role_changed',
    ]);
    expect(rows.find((r) => r.action === 'user.role_changed')).toMatchObject({
      actor_email: admin.email,
      before: '{"role":"viewer"}',
      after: '{"role":"operator"}',
    });
    expect(JSON.stringify(rows)).not.toContain(invite.path.split('/').pop()!);
    expect(JSON.stringify(rows)).not.toContain('long-enough-password');
  });

  it('refuses to change your own role, deactivate yourself or invite an existing account', async () => {
    const { user, caller } = await callerAs('admin');
    await expect(caller.users.changeRole({ id: user.id, role: 'viewer' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(caller.users.deactivate({ id: user.id })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.users.invite({ email: user.email, role: 'viewer' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(caller.users.deactivate({ id: 'no-such-user' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('API tokens', () => {
  it('creates a scoped token shown once, verifies it, and revokes it', async () => {
    const { caller } = await callerAs('admin');
    const created = await caller.apiTokens.create({ name: 'partner', scope: 'reports', expiresDays: 30 });
    expect(created.token).toMatch(/^sdk_reports_[A-Za-z0-9_-]{43}$/);
    expect(await verifyApiToken(created.token, 'reports')).toMatchObject({
      id: created.id,
      name: 'partner',
      scope: 'reports',
    });
    const listed = (await caller.apiTokens.list()).find((t) => t.id === created.id)!;
    expect(listed.state).toBe('active');
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(Math.round((listed.expiresAt!.getTime() - listed.createdAt.getTime()) / 86_400_000)).toBe(30);
    await caller.apiTokens.revoke({ id: created.id });
    expect(await verifyApiToken(created.token, 'reports')).toBeNull();
    expect((await caller.apiTokens.list()).find((t) => t.id === created.id)!.state).toBe('revoked');
    const audit = await listAudit({ targetId: created.id });
    expect(audit.map((r) => r.action).sort()).toEqual(['api_token.created', 'api_token.revoked']);
  });

  it('refuses an expired token, a wrong one, and accepts the bootstrap token', async () => {
    const token = 'sdk_reports_expired_token_for_tests_000000000000';
    await insert('api_tokens', [
      {
        id: 'expired',
        name: 'old',
        scope: 'reports',
        token_hash: hashToken(token),
        prefix: 'sdk_reports_e',
        created_by: 't',
        created_at: Date.now() - 2e9,
        expires_at: Date.now() - 1000,
        revoked_at: null,
        version: 1,
      },
    ]);
    expect(await verifyApiToken(token, 'reports')).toBeNull();
    expect(await verifyApiToken('sdk_reports_nope', 'reports')).toBeNull();
    expect(await verifyApiToken('', 'reports')).toBeNull();
    expect(await verifyApiToken('bootstrap-reports-token-01', 'reports')).toMatchObject({ id: 'bootstrap' });
    const { token: fresh } = await createApiToken({
      name: 'never',
      scope: 'reports',
      expiresDays: null,
      actor: { kind: 'system', id: 't' },
    });
    expect(await verifyApiToken(fresh, 'reports')).not.toBeNull();
  });
});

describe('requirePermission for route handlers', () => {
  it('answers 401 anonymous, 403 without the permission, the user with it, 403 cross-site', async () => {
    const anon = await requirePermission(new Request('http://x/api/thing'), 'users:manage');
    expect(anon).toBeInstanceOf(Response);
    expect((anon as Response).status).toBe(401);
    const viewer = await headersAs('viewer');
    const denied = await requirePermission(
      new Request('http://x/api/thing', { headers: viewer.headers }),
      'users:manage',
    );
    expect((denied as Response).status).toBe(403);
    const allowed = await requirePermission(
      new Request('http://x/api/thing', { headers: viewer.headers }),
      'reports:export',
    );
    expect(allowed).toEqual({ user: expect.objectContaining({ id: viewer.user.id, role: 'viewer' }) });
    const crossHeaders = new Headers(viewer.headers);
    crossHeaders.set('sec-fetch-site', 'cross-site');
    const cross = await requirePermission(
      new Request('http://x/api/thing', { method: 'POST', headers: crossHeaders }),
      'reports:export',
    );
    expect((cross as Response).status).toBe(403);
  });
});
