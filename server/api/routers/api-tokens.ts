import { ServiceError } from '../../core/errors';
import { z } from 'zod';
import { ApiTokenScope, createApiToken, listApiTokens, revokeApiToken } from '../../auth/api-tokens';
import { createTRPCRouter, permissionProcedure } from '../trpc';

const manage = permissionProcedure('api-tokens:manage');

export const apiTokensRouter = createTRPCRouter({
  list: manage.query(() => listApiTokens()),

  /** The token is in this answer only; the store keeps its SHA-256. */
  create: manage
    .input(
      z.object({
        name: z.string().trim().min(1).max(100),
        scope: ApiTokenScope.default('reports'),
        expiresDays: z.number().int().min(1).max(3650).nullable().default(90),
      }),
    )
    .mutation(({ ctx, input }) =>
      createApiToken({ ...input, actor: { kind: 'user', id: ctx.user.id, email: ctx.user.email } }),
    ),

  revoke: manage.input(z.object({ id: z.string().min(1).max(100) })).mutation(async ({ ctx, input }) => {
    const ok = await revokeApiToken(input.id, { kind: 'user', id: ctx.user.id, email: ctx.user.email });
    if (!ok) throw new ServiceError('not_found', 'No such API token.');
    return { ok: true };
  }),
});
