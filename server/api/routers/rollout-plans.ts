import 'server-only';
import { z } from 'zod';
import { DeviceClass } from '@/lib/rollout/rule';
import {
  cancelPlan,
  createPlan,
  editPlan,
  evaluatePlans,
  getPlan,
  listPlans,
  pausePlan,
  planLooks,
  planTimeline,
  resumePlan,
  rollbackPlan,
} from '../../rollout/plans';
import { type Actor } from '../../rollout/service';
import { createTRPCRouter, permissionProcedure } from '../trpc';
import type { SessionUser } from '../../auth/session';

function actor(u: SessionUser): Actor {
  return { kind: 'user', id: u.id, email: u.email };
}

const Reason = z.string().trim().min(3, 'A reason is required (at least 3 characters).').max(2000);
const Id = z.string().uuid('A plan id');
/** The plan body is validated by the service (field-named messages), after this size bound. */
const PlanBody = z
  .record(z.string(), z.unknown())
  .refine((v) => JSON.stringify(v).length <= 20_000, 'The plan is too large.');

export const rolloutPlansRouter = createTRPCRouter({
  list: permissionProcedure('rollouts:read')
    .input(z.object({ deviceClass: DeviceClass.optional() }).default({}))
    .query(({ input }) => listPlans({ deviceClass: input.deviceClass, limit: 100 })),

  /** One plan with its stage timeline and the guardrail evidence of its looks. */
  get: permissionProcedure('rollouts:read')
    .input(z.object({ id: Id }))
    .query(async ({ input }) => ({
      plan: await getPlan(input.id),
      timeline: await planTimeline(input.id),
      looks: await planLooks(input.id),
    })),

  /** A new plan opens a change request for its ceiling; a different approver approves it like any request. */
  create: permissionProcedure('rollouts:propose')
    .input(z.object({ plan: PlanBody, reason: Reason }))
    .mutation(({ ctx, input }) => createPlan({ actor: actor(ctx.user), plan: input.plan, reason: input.reason })),

  edit: permissionProcedure('rollouts:propose')
    .input(z.object({ id: Id, plan: PlanBody, reason: Reason }))
    .mutation(({ ctx, input }) => editPlan({ actor: actor(ctx.user), ...input })),

  pause: permissionProcedure('rollouts:propose')
    .input(z.object({ id: Id, reason: Reason }))
    .mutation(({ ctx, input }) => pausePlan({ actor: actor(ctx.user), ...input })),

  resume: permissionProcedure('rollouts:propose')
    .input(z.object({ id: Id, reason: Reason }))
    .mutation(({ ctx, input }) => resumePlan({ actor: actor(ctx.user), ...input })),

  /** Lowering applies at once: to an earlier stage (0-based) or to 0 % (null). */
  rollback: permissionProcedure('rollouts:propose')
    .input(z.object({ id: Id, toStage: z.number().int().min(0).max(11).nullable(), reason: Reason }))
    .mutation(({ ctx, input }) => rollbackPlan({ actor: actor(ctx.user), ...input })),

  cancel: permissionProcedure('rollouts:propose')
    .input(z.object({ id: Id, reason: Reason }))
    .mutation(({ ctx, input }) => cancelPlan({ actor: actor(ctx.user), ...input })),

  /** Look at every running plan now (the server also does it periodically). */
  evaluate: permissionProcedure('rollouts:kill').mutation(() => evaluatePlans()),
});
