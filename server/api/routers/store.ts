import { createTRPCRouter, permissionProcedure } from '../trpc';
import { storeStatus } from '../../store/status';

export const storeRouter = createTRPCRouter({
  status: permissionProcedure('dashboards:read').query(() => storeStatus()),
});
