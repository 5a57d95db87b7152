import 'server-only';
import { AuditPageInput, pageAudit } from '../../audit/log';
import { createTRPCRouter, permissionProcedure } from '../trpc';

export const auditRouter = createTRPCRouter({
  /** One page of the filtered log (the CSV export reads the whole filtered range, bounded, itself). */
  list: permissionProcedure('audit:read')
    .input(AuditPageInput.default({ offset: 0, limit: 50 }))
    .query(({ input }) => pageAudit(input)),
});
