import { ServiceError } from '../../core/errors';
import { z } from 'zod';
import { CreateShareLink, createShareLink, listShareLinks, revokeShareLink } from '../../reports/share-links';
import { PreviewInput, previewReport, recentDownloads, searchIsps } from '../../reports/service';
import { createTRPCRouter, permissionProcedure } from '../trpc';

const actorOf = (u: { id: string; email: string }) => ({ kind: 'user' as const, id: u.id, email: u.email });

export const reportsRouter = createTRPCRouter({
  preview: permissionProcedure('reports:export')
    .input(PreviewInput)
    .query(({ input }) => previewReport(input)),
  isps: permissionProcedure('reports:export')
    .input(z.object({ q: z.string().max(100).default(''), limit: z.number().int().min(1).max(100).default(20) }))
    .query(({ input }) => searchIsps(input.q, input.limit)),
  recentDownloads: permissionProcedure('reports:export')
    .input(z.object({ limit: z.number().int().min(1).max(200).default(20) }).default({ limit: 20 }))
    .query(({ input }) => recentDownloads(input.limit)),
  shareLinks: permissionProcedure('reports:share').query(() => listShareLinks()),
  createShareLink: permissionProcedure('reports:share')
    .input(CreateShareLink)
    .mutation(({ ctx, input }) => createShareLink(actorOf(ctx.user), input)),
  revokeShareLink: permissionProcedure('reports:share')
    .input(z.object({ id: z.string().uuid() }))
    .mutation(async ({ ctx, input }) => {
      const link = await revokeShareLink(actorOf(ctx.user), input.id);
      if (!link) throw new ServiceError('not_found', 'No such share link.');
      return link;
    }),
});
