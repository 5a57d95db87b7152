import { createTRPCRouter, permissionProcedure } from '../trpc';
import { audit } from '../../audit/log';
import { createBackup } from '../../store/backup';
import { storeStatus, systemStatus } from '../../store/status';

const admin = permissionProcedure('settings:manage');

export const storeRouter = createTRPCRouter({
  status: permissionProcedure('dashboards:read').query(() => storeStatus()),
  /** The System page: ingestion, writer, store latency, tables, migrations, process, backups (admins). */
  system: admin.query(() => systemStatus()),
  /** An online backup now (the same as `npm run backup`), audited. */
  backupNow: admin.mutation(async ({ ctx }) => {
    const b = await createBackup();
    await audit({
      actor: { kind: 'user', id: ctx.user.id, email: ctx.user.email },
      action: 'store.backup_created',
      target: { type: 'backup', id: b.name },
      after: { bytes: b.bytes },
    });
    return b;
  }),
});
