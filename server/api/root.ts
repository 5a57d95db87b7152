import 'server-only';
import { createCallerFactory, createTRPCRouter } from './trpc';
import { authRouter } from './routers/auth';
import { storeRouter } from './routers/store';
import { usersRouter } from './routers/users';
import { apiTokensRouter } from './routers/api-tokens';
import { rolloutsRouter } from './routers/rollouts';
import { auditRouter } from './routers/audit';
import { dashboardsRouter } from './routers/dashboards';
import { reportsRouter } from './routers/reports';
import { ingestKeysRouter } from './routers/ingest-keys';
import { rolloutPlansRouter } from './routers/rollout-plans';
import { notifyRouter } from './routers/notify';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  store: storeRouter,
  users: usersRouter,
  apiTokens: apiTokensRouter,
  rollouts: rolloutsRouter,
  audit: auditRouter,
  dashboards: dashboardsRouter,
  reports: reportsRouter,
  ingestKeys: ingestKeysRouter,
  rolloutPlans: rolloutPlansRouter,
  notify: notifyRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
