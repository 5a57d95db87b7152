import { z } from 'zod';
import { createTRPCRouter, permissionProcedure } from '../trpc';
import { clientDropTotals } from '../../ingest/client-drops';
import {
  BOOTSTRAP_KEY_ID,
  createIngestKey,
  CreateIngestKeyInput,
  listIngestKeys,
  revokeIngestKey,
  setIngestKeyOrigins,
  SetIngestKeyOriginsInput,
} from '../../ingest/keys';

const manage = permissionProcedure('ingest-keys:manage');

export const ingestKeysRouter = createTRPCRouter({
  list: manage.query(() => listIngestKeys()),
  /** Reports the SDK had to drop on devices (expired after 24 h, or a full buffer), per key, as the clients told us. */
  clientDrops: manage.input(z.object({ days: z.number().int().min(1).max(90).default(7) })).query(async ({ input }) => {
    const [totals, keys] = await Promise.all([clientDropTotals(input.days), listIngestKeys()]);
    const names = new Map(keys.map((k) => [k.id, k.name]));
    names.set(BOOTSTRAP_KEY_ID, 'Bootstrap key (SWARMDECK_INGEST_KEY)');
    const list = [...totals].map(([keyId, d]) => ({ keyId, name: names.get(keyId) ?? keyId, ...d }));
    return { days: input.days, keys: list.sort((a, b) => a.name.localeCompare(b.name)) };
  }),
  /** The key is in this answer only; it is never stored or shown again. */
  create: manage
    .input(CreateIngestKeyInput)
    .mutation(({ ctx, input }) => createIngestKey(input, { kind: 'user', id: ctx.user.id, email: ctx.user.email })),
  /** Which browser origins may use the key: '*' or exact origins (audited). */
  setOrigins: manage
    .input(SetIngestKeyOriginsInput)
    .mutation(({ ctx, input }) => setIngestKeyOrigins(input, { kind: 'user', id: ctx.user.id, email: ctx.user.email })),
  revoke: manage
    .input(z.object({ id: z.string().min(1).max(100) }))
    .mutation(({ ctx, input }) => revokeIngestKey(input.id, { kind: 'user', id: ctx.user.id, email: ctx.user.email })),
});
