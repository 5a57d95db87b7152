import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createTRPCRouter, permissionProcedure } from '../trpc';
import { createIngestKey, CreateIngestKeyInput, IngestKeyNotFound, listIngestKeys, revokeIngestKey } from '../../ingest/keys';

const manage = permissionProcedure('ingest-keys:manage');

export const ingestKeysRouter = createTRPCRouter({
  list: manage.query(() => listIngestKeys()),
  /** The key is in this answer only; it is never stored or shown again. */
  create: manage.input(CreateIngestKeyInput).mutation(({ ctx, input }) =>
    createIngestKey(input, { kind: 'user', id: ctx.user.id, email: ctx.user.email }),
  ),
  revoke: manage.input(z.object({ id: z.string().min(1).max(100) })).mutation(async ({ ctx, input }) => {
    try {
      return await revokeIngestKey(input.id, { kind: 'user', id: ctx.user.id, email: ctx.user.email });
    } catch (err) {
      if (err instanceof IngestKeyNotFound) throw new TRPCError({ code: 'NOT_FOUND', message: err.message });
      throw err;
    }
  }),
});
