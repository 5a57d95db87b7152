import 'server-only';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listNotifications,
  listWebhooks,
  NotifyError,
  NotifyKind,
  testWebhook,
  updateWebhook,
  WebhookInput,
} from '../../notify/service';
import { createTRPCRouter, permissionProcedure } from '../trpc';

async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NotifyError) throw new TRPCError({ code: err.code, message: err.message, cause: err });
    throw err;
  }
}

const Id = z.string().uuid('A webhook id');

export const notifyRouter = createTRPCRouter({
  /** The notification list: every rollout event that was announced (stage advanced, held, rolled back, SRM, kill). */
  notifications: permissionProcedure('rollouts:read')
    .input(z.object({ kind: NotifyKind.optional(), limit: z.number().int().min(1).max(500).default(100) }).default({ limit: 100 }))
    .query(({ input }) => listNotifications(input)),

  webhooks: permissionProcedure('settings:manage').query(() => listWebhooks()),

  deliveries: permissionProcedure('settings:manage')
    .input(z.object({ webhookId: Id.optional(), limit: z.number().int().min(1).max(500).default(100) }).default({ limit: 100 }))
    .query(({ input }) => listDeliveries(input)),

  /** Register a webhook; the response carries its signing secret, shown this once. */
  createWebhook: permissionProcedure('settings:manage')
    .input(WebhookInput)
    .mutation(({ ctx, input }) => mapped(() => createWebhook(ctx.user, input))),

  updateWebhook: permissionProcedure('settings:manage')
    .input(WebhookInput.omit({ url: true }).extend({ id: Id, url: WebhookInput.shape.url.optional() }))
    .mutation(({ ctx, input }) => mapped(() => updateWebhook(ctx.user, input.id, input))),

  deleteWebhook: permissionProcedure('settings:manage')
    .input(z.object({ id: Id }))
    .mutation(({ ctx, input }) => mapped(() => deleteWebhook(ctx.user, input.id))),

  /** One delivery attempt now, its outcome returned (and kept in the delivery list). */
  testWebhook: permissionProcedure('settings:manage')
    .input(z.object({ id: Id }))
    .mutation(({ ctx, input }) => mapped(() => testWebhook(ctx.user, input.id))),
});
