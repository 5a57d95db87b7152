import 'server-only';
import { z } from 'zod';
import { BoundedRange } from '@/lib/time-range';
import { Capabilities, DEVICE_CLASSES, DeviceClass, RolloutRule } from '@/lib/rollout/rule';
import { exposureDelta } from '@/lib/rollout/evaluate';
import {
  annotations,
  RequestStatus,
  Target,
  approveRequest,
  cancelRequest,
  editRequest,
  getRequest,
  history,
  kill,
  listRequests,
  proposeChange,
  rejectRequest,
  requestRevisions,
  requestUnkill,
  setCapabilities,
  type Actor,
} from '../../rollout/service';
import { refreshSnapshot } from '../../rollout/snapshot';
import { liveCohorts } from '../../rollout/telemetry';
import { createTRPCRouter, permissionProcedure } from '../trpc';
import type { SessionUser } from '../../auth/session';

function actor(u: SessionUser): Actor {
  return { kind: 'user', id: u.id, email: u.email };
}

/**
 * The revision of the change request the caller reviewed: approving or editing without naming it could
 * approve a version changed by someone else since (the service refuses a mismatch with CONFLICT).
 */
const ReviewedRevision = z.number({ error: 'Name the revision you reviewed (revision: number).' }).int().min(1);

const Reason = z.string().trim().min(3, 'A reason is required (at least 3 characters).').max(2000);

export const rolloutsRouter = createTRPCRouter({
  /** Every class's current rule, kill state, capabilities and version, with live cohort shares. */
  list: permissionProcedure('rollouts:read')
    .input(z.object({ liveMinutes: z.number().int().min(1).max(1440).default(15) }).default({ liveMinutes: 15 }))
    .query(async ({ input }) => {
      const [snap, live] = await Promise.all([refreshSnapshot(), liveCohorts(input.liveMinutes)]);
      return {
        seq: snap.seq,
        global: snap.global,
        classes: DEVICE_CLASSES.map((cls) => ({ deviceClass: cls, ...snap.classes[cls], live: live[cls] })),
      };
    }),

  get: permissionProcedure('rollouts:read')
    .input(z.object({ deviceClass: DeviceClass }))
    .query(async ({ input }) => {
      const [snap, live, events] = await Promise.all([
        refreshSnapshot(),
        liveCohorts(15),
        history({ deviceClass: input.deviceClass, limit: 50 }),
      ]);
      return {
        deviceClass: input.deviceClass,
        ...snap.classes[input.deviceClass],
        globalKilled: snap.global.killed,
        live: live[input.deviceClass],
        events,
      };
    }),

  /** Preview how a change would be classified (raises → needs approval). */
  preview: permissionProcedure('rollouts:read')
    .input(z.object({ deviceClass: DeviceClass, rule: RolloutRule }))
    .query(async ({ input }) => {
      const snap = await refreshSnapshot();
      const cur = snap.classes[input.deviceClass];
      return exposureDelta({ rule: cur.rule, killed: cur.killed }, { rule: input.rule, killed: cur.killed });
    }),

  requests: permissionProcedure('rollouts:read')
    .input(
      z
        .object({ status: RequestStatus.optional(), limit: z.number().int().min(1).max(1000).default(100) })
        .default({ limit: 100 }),
    )
    .query(({ input }) => listRequests(input)),

  request: permissionProcedure('rollouts:read')
    .input(z.object({ id: z.string().min(1).max(64) }))
    .query(async ({ input }) => ({ request: await getRequest(input.id), revisions: await requestRevisions(input.id) })),

  history: permissionProcedure('rollouts:read')
    .input(
      z
        .object({ deviceClass: Target.optional(), limit: z.number().int().min(1).max(1000).default(100) })
        .default({ limit: 100 }),
    )
    .query(({ input }) => history(input)),

  /** Config changes in a time range: annotations for the dashboards' time-series charts. */
  annotations: permissionProcedure('rollouts:read')
    .input(BoundedRange)
    .query(({ input }) => annotations(input.from, input.to)),

  /** Lowering changes apply at once; raising ones become a change request. */
  propose: permissionProcedure('rollouts:propose')
    .input(
      z.object({ deviceClass: DeviceClass, rule: RolloutRule, baseVersion: z.number().int().min(0), reason: Reason }),
    )
    .mutation(({ ctx, input }) => proposeChange({ actor: actor(ctx.user), ...input })),

  /** Edit or rebase a pending request (voids its approvals). */
  edit: permissionProcedure('rollouts:propose')
    .input(
      z.object({
        id: z.string().min(1).max(64),
        revision: ReviewedRevision,
        rule: RolloutRule.optional(),
        baseVersion: z.number().int().min(0),
        reason: Reason,
      }),
    )
    .mutation(({ ctx, input }) => editRequest({ actor: actor(ctx.user), ...input })),

  cancel: permissionProcedure('rollouts:propose')
    .input(z.object({ id: z.string().min(1).max(64), reason: Reason }))
    .mutation(({ ctx, input }) => cancelRequest({ actor: actor(ctx.user), ...input })),

  approve: permissionProcedure('rollouts:approve')
    .input(
      z.object({
        id: z.string().min(1).max(64),
        revision: ReviewedRevision,
        comment: z.string().max(2000).default(''),
      }),
    )
    .mutation(({ ctx, input }) => approveRequest({ actor: actor(ctx.user), ...input })),

  reject: permissionProcedure('rollouts:approve')
    .input(z.object({ id: z.string().min(1).max(64), comment: Reason }))
    .mutation(({ ctx, input }) => rejectRequest({ actor: actor(ctx.user), ...input })),

  /** Kill switch: one class or '*' for every class; immediate, reason required. */
  kill: permissionProcedure('rollouts:kill')
    .input(z.object({ deviceClass: Target, reason: Reason }))
    .mutation(({ ctx, input }) => kill({ actor: actor(ctx.user), target: input.deviceClass, reason: input.reason })),

  /** Lifting a kill switch raises exposure: it opens a change request. */
  unkill: permissionProcedure('rollouts:propose')
    .input(z.object({ deviceClass: Target, reason: Reason }))
    .mutation(({ ctx, input }) =>
      requestUnkill({ actor: actor(ctx.user), target: input.deviceClass, reason: input.reason }),
    ),

  setCapabilities: permissionProcedure('settings:manage')
    .input(z.object({ deviceClass: DeviceClass, capabilities: Capabilities, reason: Reason }))
    .mutation(({ ctx, input }) => setCapabilities({ actor: actor(ctx.user), ...input })),
});
