import crypto from 'node:crypto';
import type { Role } from '@/lib/auth/permissions';
import { audit, type AuditActor } from '../audit/log';
import { insert, query } from '../clickhouse/client';
import { InviteByHashSql, InviteRow, LatestInviteSql } from '../clickhouse/queries/auth';
import { hashToken } from './api-tokens';
import { hashPassword } from './passwords';
import { createUser, Email, getUserByEmail, getUserById, updateUser, UserError } from './users';

export const INVITE_TTL_MS = 72 * 60 * 60 * 1000;

let lastVersion = 0;
function nextVersion(): number {
  lastVersion = Math.max(Date.now() * 1000, lastVersion + 1);
  return lastVersion;
}

/**
 * Invite someone: an `invited` user (no password, cannot sign in) plus a one-time link whose token is
 * stored only as a SHA-256. The plain link is returned once; it replaces any link sent to them before.
 */
export async function inviteUser(input: {
  email: string;
  role: Role;
  actor: AuditActor & { id: string };
}): Promise<{ userId: string; path: string; expiresAt: Date }> {
  const email = Email.parse(input.email);
  let user = await getUserByEmail(email);
  if (user && user.status !== 'invited') throw new UserError('conflict', `${email} already has an account.`);
  if (!user) user = await createUser({ email, role: input.role, status: 'invited' });
  else if (user.role !== input.role) user = (await updateUser(user.id, { role: input.role })).after;
  const token = crypto.randomBytes(32).toString('base64url');
  const now = Date.now();
  await insert('user_invites', [
    {
      token_hash: hashToken(token),
      user_id: user.id,
      created_by: input.actor.id,
      created_at: now,
      expires_at: now + INVITE_TTL_MS,
      used_at: null,
      version: nextVersion(),
    },
  ]);
  await audit({
    actor: input.actor,
    action: 'user.invited',
    target: { type: 'user', id: user.id },
    after: { email, role: input.role },
  });
  return { userId: user.id, path: `/invite/${token}`, expiresAt: new Date(now + INVITE_TTL_MS) };
}

async function liveInvite(token: string): Promise<InviteRow | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const [row] = await query(InviteByHashSql, { hash: hashToken(token) });
  if (!row || row.used || row.expires_at_ms <= Date.now()) return null;
  // Only the newest link of the user works: inviting again revokes the links sent before.
  const [latest] = await query(LatestInviteSql, { userId: row.user_id });
  return latest?.token_hash === row.token_hash ? row : null;
}

/** The invited email for a live link (for the page), or null. */
export async function peekInvite(token: string): Promise<{ email: string } | null> {
  const row = await liveInvite(token);
  if (!row) return null;
  const user = await getUserById(row.user_id, { fresh: true });
  return user && user.status === 'invited' ? { email: user.email } : null;
}

let chain: Promise<unknown> = Promise.resolve();

/** Use a link once: set the password and activate the user. */
export function acceptInvite(token: string, password: string): Promise<{ userId: string } | null> {
  const run = chain.then(async () => {
    const row = await liveInvite(token);
    if (!row) return null;
    const user = await getUserById(row.user_id, { fresh: true });
    if (!user || user.status !== 'invited') return null;
    await insert('user_invites', [
      {
        token_hash: row.token_hash,
        user_id: row.user_id,
        created_by: row.created_by,
        created_at: row.created_at_ms,
        expires_at: row.expires_at_ms,
        used_at: Date.now(),
        version: nextVersion(),
      },
    ]);
    await updateUser(user.id, { password_hash: await hashPassword(password), status: 'active' });
    await audit({
      actor: { kind: 'user', id: user.id, email: user.email },
      action: 'user.invite_accepted',
      target: { type: 'user', id: user.id },
    });
    return { userId: user.id };
  });
  chain = run.catch(() => undefined);
  return run;
}
