import { createTRPCRouter, publicProcedure } from '../trpc';
import { storeStatus } from '../../store/status';

export const storeRouter = createTRPCRouter({
  status: publicProcedure.query(() => storeStatus()),
});
