import { createTRPCRouter, publicProcedure } from '../trpc';

export const authRouter = createTRPCRouter({
  /** Who is signed in, or null. */
  me: publicProcedure.query(({ ctx }) => ctx.user),
});
