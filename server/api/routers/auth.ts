import { audit } from '../../audit/log';
import { endSessions } from '../../auth/users';
import { authedProcedure, createTRPCRouter, publicProcedure } from '../trpc';

export const authRouter = createTRPCRouter({
  /** Who is signed in, or null. */
  me: publicProcedure.query(({ ctx }) => ctx.user),

  /** Ends every session of the signed-in user, this one included (e.g. after a lost laptop). */
  signOutEverywhere: authedProcedure.mutation(async ({ ctx }) => {
    await endSessions(ctx.user.id);
    await audit({
      actor: { kind: 'user', id: ctx.user.id, email: ctx.user.email },
      action: 'auth.signed_out_everywhere',
      target: { type: 'user', id: ctx.user.id },
    });
    return { ok: true };
  }),
});
