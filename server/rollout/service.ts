import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { KIND_OF_CODE, ServiceError } from '../core/errors';
import { audit } from '../audit/log';
import { insert, query } from '../clickhouse/client';
import {
  EVENTS_TABLE,
  SeqCollisionsSql,
  EventRow,
  EventsInRangeSql,
  HistorySql,
  LatestRequestsSql,
  REQUESTS_TABLE,
  RequestRevisionsSql,
  RequestRow,
} from '../clickhouse/queries/rollouts';
import { exposureDelta, type ExposureDelta } from '@/lib/rollout/evaluate';
import { Capabilities, DeviceClass, RolloutRule, capabilityViolations } from '@/lib/rollout/rule';
import {
  GLOBAL,
  readMaxSeq,
  readSnapshot,
  setSnapshot,
  withWriteLock,
  type ClassState,
  type Snapshot,
} from './snapshot';
import { rolloutSettings } from './settings';
import { applyPlanRequest, stopPlansOnKill } from './plans';
import { rolloutDecisions } from '../observability/metrics';
import { logger } from '../observability/logger';

/** Who acts: a console user or the system (guardrail, expiry). */
export interface Actor {
  kind: 'user' | 'system';
  id: string;
  email: string;
}

/** A rollout rule broken by the caller: a ServiceError, mapped to tRPC and HTTP in server/core/errors.ts. */
export class RolloutError extends ServiceError {
  constructor(
    readonly code: 'CONFLICT' | 'FORBIDDEN' | 'BAD_REQUEST' | 'NOT_FOUND',
    message: string,
  ) {
    super(KIND_OF_CODE[code], message);
    this.name = 'RolloutError';
  }
}

export const Target = z.union([DeviceClass, z.literal(GLOBAL)]);
export type Target = z.infer<typeof Target>;

export const RequestStatus = z.enum(['pending', 'approved', 'rejected', 'applied', 'expired', 'voided']);
export type RequestStatus = z.infer<typeof RequestStatus>;

const Approval = z.object({ id: z.string(), email: z.string(), comment: z.string(), ts: z.string() });
export type Approval = z.infer<typeof Approval>;

export interface ChangeRequest {
  id: string;
  revision: number;
  deviceClass: Target;
  /** `plan`: a guarded rollout plan asking approval for its ceiling (its last stage). */
  kind: 'change' | 'unkill' | 'plan';
  status: RequestStatus;
  baseVersion: number;
  rule: RolloutRule | null;
  author: { id: string; email: string };
  reason: string;
  approvals: Approval[];
  /** Everyone who edited or rebased it: like the author, none of them may approve it. */
  editors: { id: string; email: string }[];
  decidedBy: { id: string; email: string } | null;
  comment: string;
  createdAt: string;
  expiresAt: string;
  updatedAt: string;
  appliedSeq: number;
}

function toRequest(r: RequestRow): ChangeRequest {
  return {
    id: r.id,
    revision: r.revision,
    deviceClass: Target.parse(r.device_class),
    kind: r.kind === 'unkill' || r.kind === 'plan' ? r.kind : 'change',
    status: RequestStatus.parse(r.status),
    baseVersion: r.base_version,
    rule: r.rule ? RolloutRule.parse(JSON.parse(r.rule)) : null,
    author: { id: r.author_id, email: r.author_email },
    reason: r.reason,
    approvals: z.array(Approval).parse(r.approvals ? JSON.parse(r.approvals) : []),
    editors: z.array(z.object({ id: z.string(), email: z.string() })).parse(r.editors ? JSON.parse(r.editors) : []),
    decidedBy: r.decided_by_id ? { id: r.decided_by_id, email: r.decided_by_email } : null,
    comment: r.comment,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    updatedAt: r.ts,
    appliedSeq: r.applied_seq,
  };
}

export function requireReason(reason: string): string {
  const r = reason.trim();
  if (r.length < 3) throw new RolloutError('BAD_REQUEST', 'A reason is required (at least 3 characters).');
  return r;
}

export function auditActor(a: Actor) {
  return { kind: a.kind, id: a.id, email: a.email };
}

function targetLabel(t: Target): string {
  return t === GLOBAL ? 'every device class (global)' : t;
}

export function checkCapabilities(cls: DeviceClass, rule: RolloutRule, state: ClassState): void {
  const v = capabilityViolations(cls, rule, state.capabilities);
  if (v.length) throw new RolloutError('BAD_REQUEST', `The rule asks more than ${cls} allows: ${v.join('; ')}.`);
}

function versionOf(snap: Snapshot, t: Target): number {
  return t === GLOBAL ? snap.global.version : snap.classes[t].version;
}

function staleMessage(t: Target, base: number, now: number): string {
  return (
    `Stale base: this was based on version ${base} of ${targetLabel(t)}, which is now at version ${now}. ` +
    'Reload the current rule and rebase your change onto it (nothing was overwritten).'
  );
}

// ---------- event writes (always inside withWriteLock) ----------

export interface EventInput {
  cls: Target;
  kind: string;
  state: { rule: RolloutRule | null; killed: boolean; capabilities: Capabilities | null };
  actor: Actor;
  reason: string;
  requestId?: string;
}

/** Append events with consecutive seqs; each bumps its class's version by one. Returns the fresh snapshot. */
export async function appendEvents(snap: Snapshot, events: EventInput[]): Promise<Snapshot> {
  let seq = Math.max(snap.seq, await readMaxSeq());
  const rows = events.map((e) => {
    seq += 1;
    return {
      seq,
      ts: Date.now(),
      device_class: e.cls,
      class_version: versionOf(snap, e.cls) + 1,
      kind: e.kind,
      rule: e.state.rule ? JSON.stringify(e.state.rule) : '',
      killed: e.state.killed ? 1 : 0,
      capabilities: e.state.capabilities ? JSON.stringify(e.state.capabilities) : '',
      request_id: e.requestId ?? '',
      actor_kind: e.actor.kind,
      actor_id: e.actor.id,
      actor_email: e.actor.email,
      reason: e.reason,
    };
  });
  await insert(EVENTS_TABLE, rows);
  const [written] = await query(SeqCollisionsSql, { fromSeq: rows[0]!.seq, toSeq: seq });
  if ((written?.n ?? 0) > rows.length) {
    // Another process appended the same seq at the same moment: several writers without a lock.
    logger({ area: 'rollouts' }).error(
      `seq collision at ${rows[0]!.seq}…${seq}: more than one process writes rollout config; run a single writer (README).`,
    );
  }
  const fresh = await readSnapshot();
  setSnapshot(fresh);
  return fresh;
}

export function classEvent(
  cls: DeviceClass,
  state: ClassState,
  kind: string,
  actor: Actor,
  reason: string,
  requestId?: string,
): EventInput {
  return {
    cls,
    kind,
    state: { rule: state.rule, killed: state.killed, capabilities: state.capabilities },
    actor,
    reason,
    requestId,
  };
}

// ---------- requests (append-only revisions) ----------

export async function writeRequest(req: ChangeRequest): Promise<void> {
  await insert(REQUESTS_TABLE, [
    {
      id: req.id,
      revision: req.revision,
      ts: Date.now(),
      device_class: req.deviceClass,
      kind: req.kind,
      status: req.status,
      base_version: req.baseVersion,
      rule: req.rule ? JSON.stringify(req.rule) : '',
      author_id: req.author.id,
      author_email: req.author.email,
      reason: req.reason,
      approvals: JSON.stringify(req.approvals),
      decided_by_id: req.decidedBy?.id ?? '',
      decided_by_email: req.decidedBy?.email ?? '',
      comment: req.comment,
      created_at: Date.parse(req.createdAt),
      expires_at: Date.parse(req.expiresAt),
      applied_seq: req.appliedSeq,
      editors: JSON.stringify(req.editors),
    },
  ]);
}

export async function listRequests(
  filter: { status?: RequestStatus; id?: string; limit?: number } = {},
): Promise<ChangeRequest[]> {
  await expireRequests();
  const rows = await query(LatestRequestsSql, {
    id: filter.id ?? '',
    status: filter.status ?? '',
    limit: filter.limit ?? 200,
  });
  return rows.map(toRequest);
}

export async function getRequest(id: string): Promise<ChangeRequest> {
  const rows = await query(LatestRequestsSql, { id, status: '', limit: 1 });
  if (!rows[0]) throw new RolloutError('NOT_FOUND', `No change request ${id}.`);
  return toRequest(rows[0]);
}

export async function requestRevisions(id: string): Promise<ChangeRequest[]> {
  return (await query(RequestRevisionsSql, { id })).map(toRequest);
}

function requirePending(req: ChangeRequest): void {
  if (req.status !== 'pending')
    throw new RolloutError('CONFLICT', `Change request ${req.id} is ${req.status}, not pending.`);
  if (Date.parse(req.expiresAt) <= Date.now())
    throw new RolloutError('CONFLICT', `Change request ${req.id} has expired.`);
}

function requireRevision(req: ChangeRequest, revision: number | undefined): void {
  if (revision !== undefined && revision !== req.revision) {
    throw new RolloutError(
      'CONFLICT',
      `Change request ${req.id} changed since you opened it (revision ${revision}, now ${req.revision}); review it again.`,
    );
  }
}

/** Mark pending requests past their expiry as expired (a system action, audited). */
export async function expireRequests(now = Date.now()): Promise<number> {
  const rows = await query(LatestRequestsSql, { id: '', status: 'pending', limit: 10_000 });
  const due = rows.map(toRequest).filter((r) => Date.parse(r.expiresAt) <= now);
  if (due.length === 0) return 0;
  return withWriteLock(async () => {
    for (const r of due) {
      const cur = await getRequest(r.id);
      if (cur.status !== 'pending' || Date.parse(cur.expiresAt) > now) continue;
      await writeRequest({
        ...cur,
        revision: cur.revision + 1,
        status: 'expired',
        comment: 'expired without approval',
      });
      await audit({
        actor: { kind: 'system', id: 'rollout-expiry' },
        action: 'rollout.change_request_expired',
        target: { type: 'rollout_request', id: cur.id },
        before: { status: 'pending' },
        after: { status: 'expired' },
        reason: `Not approved within ${rolloutSettings().SWARMDECK_ROLLOUT_REQUEST_TTL_HOURS} h`,
        details: { deviceClass: cur.deviceClass },
      });
    }
    return due.length;
  });
}

// ---------- commands ----------

export type ProposeResult =
  | { outcome: 'applied'; version: number; delta: ExposureDelta }
  | { outcome: 'requested'; requestId: string; delta: ExposureDelta };

/** A fresh pending request (revision 1) that expires after the configured time. */
export function newRequest(
  input: Pick<ChangeRequest, 'deviceClass' | 'kind' | 'baseVersion' | 'rule' | 'reason'> & { author: Actor },
): ChangeRequest {
  const now = new Date();
  return {
    id: randomUUID(),
    revision: 1,
    deviceClass: input.deviceClass,
    kind: input.kind,
    status: 'pending',
    baseVersion: input.baseVersion,
    rule: input.rule,
    author: { id: input.author.id, email: input.author.email },
    reason: input.reason,
    approvals: [],
    editors: [],
    decidedBy: null,
    comment: '',
    createdAt: now.toISOString(),
    expiresAt: new Date(
      now.getTime() + rolloutSettings().SWARMDECK_ROLLOUT_REQUEST_TTL_HOURS * 3_600_000,
    ).toISOString(),
    updatedAt: now.toISOString(),
    appliedSeq: 0,
  };
}

/**
 * Propose a new rule for a class based on the version the author saw. Lowering (or neutral) changes
 * apply at once; anything raising exposure becomes a change request.
 */
export async function proposeChange(input: {
  actor: Actor;
  deviceClass: DeviceClass;
  rule: RolloutRule;
  baseVersion: number;
  reason: string;
}): Promise<ProposeResult> {
  const reason = requireReason(input.reason);
  const rule = RolloutRule.parse(input.rule);
  return withWriteLock(async () => {
    const snap = await readSnapshot();
    const cls = input.deviceClass;
    const cur = snap.classes[cls];
    if (cur.version !== input.baseVersion)
      throw new RolloutError('CONFLICT', staleMessage(cls, input.baseVersion, cur.version));
    checkCapabilities(cls, rule, cur);
    const delta = exposureDelta({ rule: cur.rule, killed: cur.killed }, { rule, killed: cur.killed });
    if (delta.raises.length === 0) {
      if (JSON.stringify(rule) === JSON.stringify(cur.rule)) throw new RolloutError('BAD_REQUEST', 'Nothing changed.');
      const next = { ...cur, rule };
      const fresh = await appendEvents(snap, [classEvent(cls, next, 'change', input.actor, reason)]);
      await audit({
        actor: auditActor(input.actor),
        action: 'rollout.change_applied',
        target: { type: 'device_class', id: cls },
        before: cur.rule,
        after: rule,
        reason,
        details: { version: fresh.classes[cls].version, lowers: delta.lowers, neutral: delta.neutral },
      });
      return { outcome: 'applied', version: fresh.classes[cls].version, delta };
    }
    const req = newRequest({
      deviceClass: cls,
      kind: 'change',
      baseVersion: cur.version,
      rule,
      author: input.actor,
      reason,
    });
    await writeRequest(req);
    await audit({
      actor: auditActor(input.actor),
      action: 'rollout.change_requested',
      target: { type: 'device_class', id: cls },
      before: cur.rule,
      after: rule,
      reason,
      details: { requestId: req.id, baseVersion: req.baseVersion, raises: delta.raises },
    });
    return { outcome: 'requested', requestId: req.id, delta };
  });
}

/** Edit (or rebase) a pending request: new rule and/or base version; every approval is voided. */
export async function editRequest(input: {
  actor: Actor;
  id: string;
  revision?: number;
  rule?: RolloutRule;
  baseVersion: number;
  reason: string;
}): Promise<ChangeRequest> {
  const reason = requireReason(input.reason);
  return withWriteLock(async () => {
    const req = await getRequest(input.id);
    requirePending(req);
    requireRevision(req, input.revision);
    const snap = await readSnapshot();
    const now = versionOf(snap, req.deviceClass);
    if (input.baseVersion !== now)
      throw new RolloutError('CONFLICT', staleMessage(req.deviceClass, input.baseVersion, now));
    let rule = req.rule;
    if (req.kind === 'change') {
      rule = RolloutRule.parse(input.rule ?? req.rule);
      checkCapabilities(req.deviceClass as DeviceClass, rule, snap.classes[req.deviceClass as DeviceClass]);
    }
    const editors =
      req.editors.some((e) => e.id === input.actor.id) || req.author.id === input.actor.id
        ? req.editors
        : [...req.editors, { id: input.actor.id, email: input.actor.email }];
    const next: ChangeRequest = {
      ...req,
      revision: req.revision + 1,
      rule,
      baseVersion: input.baseVersion,
      approvals: [],
      editors,
      reason,
    };
    await writeRequest(next);
    await audit({
      actor: auditActor(input.actor),
      action: 'rollout.change_request_edited',
      target: { type: 'rollout_request', id: req.id },
      before: { rule: req.rule, baseVersion: req.baseVersion, approvals: req.approvals.length },
      after: { rule, baseVersion: input.baseVersion, approvals: 0 },
      reason,
      details: { deviceClass: req.deviceClass, voidedApprovals: req.approvals.map((a) => a.email) },
    });
    return next;
  });
}

/** Apply an approved request's change as events (inside the lock). */
async function applyRequest(req: ChangeRequest, approver: Actor, snap: Snapshot): Promise<Snapshot> {
  if (req.deviceClass === GLOBAL) {
    return appendEvents(snap, [
      {
        cls: GLOBAL,
        kind: 'global_unkill',
        state: { rule: null, killed: false, capabilities: null },
        actor: approver,
        reason: req.reason,
        requestId: req.id,
      },
    ]);
  }
  const cls = req.deviceClass;
  const cur = snap.classes[cls];
  if (req.kind === 'plan') return applyPlanRequest(req, approver, snap);
  if (req.kind === 'unkill')
    return appendEvents(snap, [classEvent(cls, { ...cur, killed: false }, 'unkill', approver, req.reason, req.id)]);
  checkCapabilities(cls, req.rule!, cur);
  const kind = req.rule!.salt !== cur.rule.salt ? 'reshuffle' : 'change';
  return appendEvents(snap, [classEvent(cls, { ...cur, rule: req.rule! }, kind, approver, req.reason, req.id)]);
}

export async function approveRequest(input: {
  actor: Actor;
  id: string;
  revision?: number;
  comment?: string;
}): Promise<ChangeRequest> {
  return withWriteLock(async () => {
    const req = await getRequest(input.id);
    if (req.author.id === input.actor.id)
      throw new RolloutError('FORBIDDEN', 'You cannot approve your own change request: another approver must.');
    if (req.editors.some((e) => e.id === input.actor.id))
      throw new RolloutError(
        'FORBIDDEN',
        'You edited this change request, so you cannot approve it: another approver must.',
      );
    requirePending(req);
    requireRevision(req, input.revision);
    if (req.approvals.some((a) => a.id === input.actor.id))
      throw new RolloutError('CONFLICT', 'You have already approved this request.');
    const snap = await readSnapshot();
    const now = versionOf(snap, req.deviceClass);
    if (req.baseVersion !== now)
      throw new RolloutError('CONFLICT', staleMessage(req.deviceClass, req.baseVersion, now));
    const comment = (input.comment ?? '').trim();
    const approvals = [
      ...req.approvals,
      { id: input.actor.id, email: input.actor.email, comment, ts: new Date().toISOString() },
    ];
    const enough = approvals.length >= rolloutSettings().SWARMDECK_ROLLOUT_APPROVALS;
    let next: ChangeRequest = { ...req, revision: req.revision + 1, approvals, comment };
    const approved = () =>
      audit({
        actor: auditActor(input.actor),
        action: 'rollout.change_request_approved',
        target: { type: 'rollout_request', id: req.id },
        before: { status: 'pending', approvals: req.approvals.length },
        after: { status: enough ? 'applied' : 'pending', approvals: approvals.length },
        reason: comment,
        details: { deviceClass: req.deviceClass },
      });
    if (!enough) {
      await writeRequest(next);
      await approved();
      return next;
    }
    const before = req.deviceClass === GLOBAL ? snap.global : snap.classes[req.deviceClass];
    const fresh = await applyRequest(req, input.actor, snap);
    next = {
      ...next,
      status: 'applied',
      decidedBy: { id: input.actor.id, email: input.actor.email },
      appliedSeq: fresh.seq,
    };
    await writeRequest(next);
    await approved();
    const after = req.deviceClass === GLOBAL ? fresh.global : fresh.classes[req.deviceClass];
    await audit({
      actor: auditActor(input.actor),
      action:
        req.kind === 'unkill'
          ? 'rollout.unkilled'
          : req.kind === 'plan'
            ? 'rollout.plan_stage_applied'
            : 'rollout.change_applied',
      target: { type: 'device_class', id: req.deviceClass },
      before: 'rule' in before ? { rule: before.rule, killed: before.killed } : before,
      after: 'rule' in after ? { rule: after.rule, killed: after.killed } : after,
      reason: req.reason,
      details: {
        requestId: req.id,
        author: req.author.email,
        approvers: approvals.map((a) => a.email),
        version: versionOf(fresh, req.deviceClass),
      },
    });
    return next;
  });
}

export async function rejectRequest(input: { actor: Actor; id: string; comment: string }): Promise<ChangeRequest> {
  const comment = requireReason(input.comment);
  return withWriteLock(async () => {
    const req = await getRequest(input.id);
    if (req.author.id === input.actor.id)
      throw new RolloutError('FORBIDDEN', 'You cannot reject your own change request; cancel it instead.');
    requirePending(req);
    const next: ChangeRequest = {
      ...req,
      revision: req.revision + 1,
      status: 'rejected',
      comment,
      decidedBy: { id: input.actor.id, email: input.actor.email },
    };
    await writeRequest(next);
    await audit({
      actor: auditActor(input.actor),
      action: 'rollout.change_request_rejected',
      target: { type: 'rollout_request', id: req.id },
      before: { status: 'pending' },
      after: { status: 'rejected' },
      reason: comment,
      details: { deviceClass: req.deviceClass, author: req.author.email },
    });
    return next;
  });
}

export async function cancelRequest(input: { actor: Actor; id: string; reason: string }): Promise<ChangeRequest> {
  const reason = requireReason(input.reason);
  return withWriteLock(async () => {
    const req = await getRequest(input.id);
    requirePending(req);
    const next: ChangeRequest = {
      ...req,
      revision: req.revision + 1,
      status: 'voided',
      comment: reason,
      decidedBy: { id: input.actor.id, email: input.actor.email },
    };
    await writeRequest(next);
    await audit({
      actor: auditActor(input.actor),
      action: 'rollout.change_request_cancelled',
      target: { type: 'rollout_request', id: req.id },
      before: { status: 'pending' },
      after: { status: 'voided' },
      reason,
      details: { deviceClass: req.deviceClass },
    });
    return next;
  });
}

/** Engage a kill switch (one class or '*' for all): immediate, no approval, reason required. */
export async function kill(input: {
  actor: Actor;
  target: Target;
  reason: string;
  action?: string;
  details?: Record<string, unknown>;
}): Promise<{ version: number; changed: boolean }> {
  const reason = requireReason(input.reason);
  return withWriteLock(async () => {
    const snap = await readSnapshot();
    const t = input.target;
    const already = t === GLOBAL ? snap.global.killed : snap.classes[t].killed;
    if (already) return { version: versionOf(snap, t), changed: false };
    const ev: EventInput =
      t === GLOBAL
        ? {
            cls: GLOBAL,
            kind: 'global_kill',
            state: { rule: null, killed: true, capabilities: null },
            actor: input.actor,
            reason,
          }
        : classEvent(t, { ...snap.classes[t], killed: true }, 'kill', input.actor, reason);
    const fresh = await appendEvents(snap, [ev]);
    await audit({
      actor: auditActor(input.actor),
      action: input.action ?? 'rollout.killed',
      target: { type: 'device_class', id: t },
      before: { killed: false },
      after: { killed: true },
      reason,
      details: { version: versionOf(fresh, t), ...input.details },
    });
    rolloutDecisions().inc({ action: 'kill' });
    return { version: versionOf(fresh, t), changed: true };
  }).then(async (r) => {
    // A kill stops any plan of the class for good: lifting the kill does not resume it.
    if (r.changed) await stopPlansOnKill(input.target, input.reason);
    return r;
  });
}

/** Lifting a kill switch raises exposure: it becomes a change request. */
export async function requestUnkill(input: {
  actor: Actor;
  target: Target;
  reason: string;
}): Promise<{ requestId: string }> {
  const reason = requireReason(input.reason);
  return withWriteLock(async () => {
    const snap = await readSnapshot();
    const t = input.target;
    const killed = t === GLOBAL ? snap.global.killed : snap.classes[t].killed;
    if (!killed) throw new RolloutError('BAD_REQUEST', `${targetLabel(t)} is not killed.`);
    const req = newRequest({
      deviceClass: t,
      kind: 'unkill',
      baseVersion: versionOf(snap, t),
      rule: null,
      author: input.actor,
      reason,
    });
    await writeRequest(req);
    await audit({
      actor: auditActor(input.actor),
      action: 'rollout.unkill_requested',
      target: { type: 'device_class', id: t },
      before: { killed: true },
      after: { killed: false },
      reason,
      details: { requestId: req.id, baseVersion: req.baseVersion },
    });
    return { requestId: req.id };
  });
}

/** Admin setting: what a class can take. Refused when the class's current rule would exceed it. */
export async function setCapabilities(input: {
  actor: Actor;
  deviceClass: DeviceClass;
  capabilities: Capabilities;
  reason: string;
}): Promise<{ version: number }> {
  const reason = requireReason(input.reason);
  const caps = Capabilities.parse(input.capabilities);
  return withWriteLock(async () => {
    const snap = await readSnapshot();
    const cls = input.deviceClass;
    const cur = snap.classes[cls];
    const v = capabilityViolations(cls, cur.rule, caps);
    if (v.length)
      throw new RolloutError(
        'BAD_REQUEST',
        `The current rule for ${cls} would exceed these capabilities (${v.join('; ')}); lower the rule first.`,
      );
    const fresh = await appendEvents(snap, [
      classEvent(cls, { ...cur, capabilities: caps }, 'capabilities', input.actor, reason),
    ]);
    await audit({
      actor: auditActor(input.actor),
      action: 'rollout.capabilities_changed',
      target: { type: 'device_class', id: cls },
      before: cur.capabilities,
      after: caps,
      reason,
      details: { version: fresh.classes[cls].version },
    });
    return { version: fresh.classes[cls].version };
  });
}

export async function history(input: { deviceClass?: Target; limit?: number }): Promise<EventRow[]> {
  return query(HistorySql, { cls: input.deviceClass ?? '', limit: input.limit ?? 100 });
}

export interface Annotation {
  ts: string;
  deviceClass: string;
  kind: string;
  version: number;
  label: string;
}

function label(e: EventRow): string {
  const cls = e.device_class === GLOBAL ? 'all classes' : e.device_class;
  if (e.kind === 'kill' || e.kind === 'global_kill') return `${cls} killed`;
  if (e.kind === 'unkill' || e.kind === 'global_unkill') return `${cls} kill lifted`;
  if (e.kind === 'capabilities') return `${cls} capabilities`;
  const r = e.rule ? RolloutRule.safeParse(JSON.parse(e.rule)) : null;
  if (r?.success)
    return `${cls} ${r.data.state === 'enabled' ? `${r.data.percentage}% ${r.data.mode}` : 'disabled'}${e.kind === 'reshuffle' ? ' (reshuffled)' : ''}`;
  return `${cls} ${e.kind}`;
}

/** Config changes in a time range, for the dashboards' time-series annotations. */
export async function annotations(from: Date, to: Date): Promise<Annotation[]> {
  const rows = await query(EventsInRangeSql, { fromMs: from.getTime(), toMs: to.getTime() });
  return rows.map((e) => ({
    ts: e.ts,
    deviceClass: e.device_class,
    kind: e.kind,
    version: e.class_version,
    label: label(e),
  }));
}
