import 'server-only';
import { z } from 'zod';
import { listAudit } from '../../audit/log';
import { createTRPCRouter, permissionProcedure } from '../trpc';

export const auditRouter = createTRPCRouter({
  list: permissionProcedure('audit:read')
    .input(
      z
        .object({
          from: z.coerce.date().optional(),
          to: z.coerce.date().optional(),
          action: z.string().max(100).optional(),
          actionPrefix: z.string().max(100).optional(),
          actor: z.string().max(200).optional(),
          targetType: z.string().max(100).optional(),
          targetId: z.string().max(200).optional(),
          limit: z.number().int().min(1).max(10_000).default(500),
        })
        .default({ limit: 500 }),
    )
    .query(({ input }) => listAudit(input)),
});
