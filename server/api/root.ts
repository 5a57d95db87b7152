import 'server-only';
import { createCallerFactory, createTRPCRouter } from './trpc';
import { authRouter } from './routers/auth';
import { storeRouter } from './routers/store';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  store: storeRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
