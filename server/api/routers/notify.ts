import 'server-only';
import { z } from 'zod';
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listNotifications,
  listWebhooks,
  NotifyKind,
  testWebhook,
  updateWebhook,
  WebhookInput,
} from '../../notify/service';
import { createTRPCRouter, permissionProcedure } from '../trpc';

const Id = z.string().uuid('A webhook id');

export const notifyRouter = createTRPCRouter({
  /** The notification list: every rollout event that was announced (stage advanced, held, rolled back, SRM, kill). */
  notifications: permissionProcedure('rollouts:read')
    .input(
      z
        .object({ kind: NotifyKind.optional(), limit: z.number().int().min(1).max(500).default(100) })
        .default({ limit: 100 }),
    )
    .query(({ input }) => listNotifications(input)),

  webhooks: permissionProcedure('settings:manage').query(() => listWebhooks()),

  deliveries: permissionProcedure('settings:manage')
    .input(
      z
        .object({ webhookId: Id.optional(), limit: z.number().int().min(1).max(500).default(100) })
        .default({ limit: 100 }),
    )
    .query(({ input }) => listDeliveries(input)),

  /** Register a webhook; the response carries its signing secret, shown this once. */
  createWebhook: permissionProcedure('settings:manage')
    .input(WebhookInput)
    .mutation(({ ctx, input }) => createWebhook(ctx.user, input)),

  updateWebhook: permissionProcedure('settings:manage')
    .input(WebhookInput.omit({ url: true }).extend({ id: Id, url: WebhookInput.shape.url.optional() }))
    .mutation(({ ctx, input }) => updateWebhook(ctx.user, input.id, input)),

  deleteWebhook: permissionProcedure('settings:manage')
    .input(z.object({ id: Id }))
    .mutation(({ ctx, input }) => deleteWebhook(ctx.user, input.id)),

  /** One delivery attempt now, its outcome returned (and kept in the delivery list). */
  testWebhook: permissionProcedure('settings:manage')
    .input(z.object({ id: Id }))
    .mutation(({ ctx, input }) => testWebhook(ctx.user, input.id)),
});
