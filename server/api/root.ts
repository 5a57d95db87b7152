import 'server-only';
import { createCallerFactory, createTRPCRouter } from './trpc';
import { authRouter } from './routers/auth';
import { storeRouter } from './routers/store';
import { rolloutsRouter } from './routers/rollouts';
import { auditRouter } from './routers/audit';
import { dashboardsRouter } from './routers/dashboards';
import { reportsRouter } from './routers/reports';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  store: storeRouter,
  rollouts: rolloutsRouter,
  audit: auditRouter,
  dashboards: dashboardsRouter,
  reports: reportsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
