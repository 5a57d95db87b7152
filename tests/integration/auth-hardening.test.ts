import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '@/server/audit/log';
import { acceptInvite, inviteUser, peekInvite } from '@/server/auth/invites';
import { needsRehash } from '@/server/auth/passwords';
import { resetLimits } from '@/server/auth/rate-limit';
import {
  auditSignInFailure,
  FAILED_AUDIT_PER_MINUTE,
  resetSignInAuditWindow,
  signInWithPassword,
} from '@/server/auth/sign-in';
import { createUser, getUserByEmail } from '@/server/auth/users';
import { createTestUser } from '../helpers/auth';
import { withFreshStore } from '../helpers/store';

withFreshStore();

beforeEach(async () => {
  resetLimits();
  await resetSignInAuditWindow();
});

const outcome = (r: Awaited<ReturnType<typeof signInWithPassword>>) => (r.ok ? 'ok' : r.reason);

describe('sign-in lockout under concurrency', () => {
  it('12 parallel wrong passwords for one account: only 5 are evaluated, the rest are locked out', async () => {
    const u = await createTestUser('viewer');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        signInWithPassword({ email: u.email, password: `wrong-${i}`, client: '198.51.100.7' }),
      ),
    );
    const counts = results.map(outcome).reduce<Record<string, number>>((m, k) => ({ ...m, [k]: (m[k] ?? 0) + 1 }), {});
    expect(counts).toEqual({ invalid: 5, locked: 7 });
    // The right password is refused too while the lock holds.
    expect(outcome(await signInWithPassword({ email: u.email, password: u.password, client: '198.51.100.8' }))).toBe(
      'locked',
    );
  });

  it('an unknown email is counted the same way', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        signInWithPassword({ email: 'nobody@test.local', password: `wrong-${i}`, client: `198.51.100.${i}` }),
      ),
    );
    expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(5);
  });

  it('a flood of failures from many addresses writes at most the per-minute budget of rows plus one summary', async () => {
    const before = (await listAudit({ action: 'auth.sign_in_failed', limit: 10_000 })).length;
    const n = FAILED_AUDIT_PER_MINUTE + 40;
    // The first one through the real sign-in path, the rest straight into its audit step (hashing 100
    // passwords would only make the test slow); all within one minute.
    expect(
      outcome(await signInWithPassword({ email: 'flood-0@test.local', password: 'x', client: '203.0.113.1' })),
    ).toBe('invalid');
    const t0 = Date.now();
    for (let i = 1; i < n; i++)
      await auditSignInFailure(
        { actor: { kind: 'anonymous', id: '', email: `flood-${i}@test.local` }, action: 'auth.sign_in_failed' },
        t0 + i,
      );
    expect((await listAudit({ action: 'auth.sign_in_failed', limit: 10_000 })).length - before).toBe(
      FAILED_AUDIT_PER_MINUTE,
    );
    await resetSignInAuditWindow();
    const rows = await listAudit({ action: 'auth.sign_in_failed', limit: 10_000 });
    expect(rows.length - before).toBe(FAILED_AUDIT_PER_MINUTE + 1);
    expect(JSON.parse(rows.find((r) => r.details.includes('suppressed'))!.details).suppressed).toBe(40);
  });
});

describe('password hashing', () => {
  it('replaces a hash made with the old scrypt settings at the next sign-in, and the password keeps working', async () => {
    const scrypt = promisify(crypto.scrypt) as (
      pw: string,
      salt: Buffer,
      len: number,
      o: crypto.ScryptOptions,
    ) => Promise<Buffer>;
    const salt = crypto.randomBytes(16);
    const old = [
      'scrypt',
      1 << 15,
      8,
      1,
      salt.toString('base64url'),
      (await scrypt('old-password-1', salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 << 20 })).toString('base64url'),
    ].join('$');
    await createUser({ email: 'legacy@test.local', role: 'viewer', passwordHash: old });
    expect(needsRehash(old)).toBe(true);
    expect(
      outcome(
        await signInWithPassword({ email: 'legacy@test.local', password: 'old-password-1', client: '192.0.2.1' }),
      ),
    ).toBe('ok');
    const stored = (await getUserByEmail('legacy@test.local'))!.password_hash;
    expect(stored).not.toBe(old);
    expect(stored.split('$').slice(1, 4)).toEqual(['32768', '8', '3']);
    expect(needsRehash(stored)).toBe(false);
    expect(
      outcome(
        await signInWithPassword({ email: 'legacy@test.local', password: 'old-password-1', client: '192.0.2.1' }),
      ),
    ).toBe('ok');
  });
});

describe('invitations', () => {
  it('re-inviting revokes the older link: only the newest one sets a password', async () => {
    const admin = await createTestUser('admin');
    const actor = { kind: 'user' as const, id: admin.id, email: admin.email };
    const first = await inviteUser({ email: 'again@test.local', role: 'viewer', actor });
    await new Promise((r) => setTimeout(r, 5));
    const second = await inviteUser({ email: 'again@test.local', role: 'operator', actor });
    const token = (p: string) => p.split('/').pop()!;
    expect(await peekInvite(token(first.path))).toBeNull();
    expect(await acceptInvite(token(first.path), 'a-new-password-1')).toBeNull();
    expect(await peekInvite(token(second.path))).toEqual({ email: 'again@test.local' });
    expect(await acceptInvite(token(second.path), 'a-new-password-2')).toEqual({ userId: second.userId });
  });
});
