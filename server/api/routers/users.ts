import { z } from 'zod';
import { Role } from '@/lib/auth/permissions';
import { changeRole, setActive } from '../../auth/admin';
import { mapUserErrors } from '../../auth/errors';
import { inviteUser } from '../../auth/invites';
import { Email, listUsers, publicUser } from '../../auth/users';
import { createTRPCRouter, permissionProcedure } from '../trpc';

const manage = permissionProcedure('users:manage');
const actorOf = (u: { id: string; email: string }) => ({ kind: 'user' as const, id: u.id, email: u.email });

export const usersRouter = createTRPCRouter({
  list: manage.query(async () => (await listUsers()).map(publicUser)),

  /** Returns the one-time link's path (shown once; only its hash is stored). */
  invite: manage
    .input(z.object({ email: Email, role: Role }))
    .mutation(({ ctx, input }) => mapUserErrors(() => inviteUser({ ...input, actor: actorOf(ctx.user) }))),

  changeRole: manage
    .input(z.object({ id: z.string().min(1).max(100), role: Role }))
    .mutation(({ ctx, input }) => mapUserErrors(() => changeRole({ ...input, actor: actorOf(ctx.user) }))),

  /** Ends the user's sessions at once. */
  deactivate: manage
    .input(z.object({ id: z.string().min(1).max(100) }))
    .mutation(({ ctx, input }) =>
      mapUserErrors(() => setActive({ id: input.id, active: false, actor: actorOf(ctx.user) })),
    ),

  reactivate: manage
    .input(z.object({ id: z.string().min(1).max(100) }))
    .mutation(({ ctx, input }) =>
      mapUserErrors(() => setActive({ id: input.id, active: true, actor: actorOf(ctx.user) })),
    ),
});
