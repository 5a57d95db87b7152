import type { Role } from '@/lib/auth/permissions';
import { audit, type AuditActor } from '../audit/log';
import { countUsers, getUserById, publicUser, updateUser, UserError } from './users';

/** User administration: every change writes its audit row in the same call. */

type Actor = AuditActor & { id: string };

async function guardLastAdmin(id: string, what: string) {
  const u = await getUserById(id, { fresh: true });
  if (!u) throw new UserError('not_found', 'No such user.');
  if (u.role === 'admin' && u.status === 'active' && (await countUsers()).admins <= 1) {
    throw new UserError('invalid', `Cannot ${what} the last active admin.`);
  }
  return u;
}

export async function changeRole(input: { id: string; role: Role; actor: Actor }) {
  if (input.id === input.actor.id) throw new UserError('invalid', 'You cannot change your own role.');
  const current = await getUserById(input.id, { fresh: true });
  if (!current) throw new UserError('not_found', 'No such user.');
  if (current.role === input.role) return publicUser(current);
  if (input.role !== 'admin') await guardLastAdmin(input.id, 'demote');
  const { before, after } = await updateUser(input.id, { role: input.role });
  await audit({
    actor: input.actor,
    action: 'user.role_changed',
    target: { type: 'user', id: input.id },
    before: { role: before.role },
    after: { role: after.role },
    details: { email: after.email },
  });
  return publicUser(after);
}

export async function setActive(input: { id: string; active: boolean; actor: Actor }) {
  if (input.id === input.actor.id) throw new UserError('invalid', 'You cannot deactivate or reactivate yourself.');
  const current = input.active
    ? await getUserById(input.id, { fresh: true })
    : await guardLastAdmin(input.id, 'deactivate');
  if (!current) throw new UserError('not_found', 'No such user.');
  if (input.active && !current.password_hash)
    throw new UserError('invalid', 'This user has not accepted their invitation yet; send a new one.');
  const status = input.active ? 'active' : 'deactivated';
  if (current.status === status) return publicUser(current);
  const { before, after } = await updateUser(input.id, { status });
  await audit({
    actor: input.actor,
    action: input.active ? 'user.reactivated' : 'user.deactivated',
    target: { type: 'user', id: input.id },
    before: { status: before.status },
    after: { status: after.status },
    details: { email: after.email },
  });
  return publicUser(after);
}
