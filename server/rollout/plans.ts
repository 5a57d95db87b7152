import { randomUUID } from 'node:crypto';
import { audit } from '../audit/log';
import { insert, query } from '../clickhouse/client';
import {
  ClassVersionsSql,
  DevicePlaybackSql,
  PLAN_LOOKS_TABLE,
  PLANS_TABLE,
  LatestPlansSql,
  PlanLookRow,
  PlanLooksSql,
  PlanRevisionsSql,
  PlanRow,
} from '../clickhouse/queries/rollouts';
import { evaluate } from '@/lib/rollout/evaluate';
import { evaluateGuardrails, type DeviceAgg, type Evidence } from '@/lib/rollout/guard';
import { nextStep, PlanInput, planIssues, PlanStatus, type StepAction } from '@/lib/rollout/plan';
import { DeviceClass, RolloutRule } from '@/lib/rollout/rule';
import { notify } from '../notify/service';
import {
  appendEvents,
  auditActor,
  checkCapabilities,
  classEvent,
  editRequest,
  getRequest,
  newRequest,
  requireReason,
  RolloutError,
  writeRequest,
  cancelRequest,
  type Actor,
  type ChangeRequest,
  type Target,
} from './service';
import { GLOBAL, readSnapshot, withWriteLock, type Snapshot } from './snapshot';
import { logger } from '../observability/logger';

/** Guarded rollout plans: stored as append-only revisions, approved once for their ceiling, driven by the evaluator. */

export const SYSTEM: Actor = { kind: 'system', id: 'rollout-evaluator', email: '' };

/** Statuses in which a plan still owns its class (one such plan per class). */
const OPEN: readonly PlanStatus[] = ['pending_approval', 'running', 'paused', 'held', 'rolled_back'];

export interface Decision {
  ts: string;
  action: string;
  words: string;
}

export interface PlanState {
  id: string;
  revision: number;
  deviceClass: DeviceClass;
  plan: PlanInput;
  status: PlanStatus;
  /** Current stage (0-based); -1 after a rollback to 0 %. */
  stageIndex: number;
  stageStartedAt: string;
  requestId: string;
  approved: boolean;
  updatedAt: string;
  actor: { kind: string; id: string; email: string };
  reason: string;
  decision: Decision | null;
}

function toPlan(r: PlanRow): PlanState {
  return {
    id: r.id,
    revision: r.revision,
    deviceClass: DeviceClass.parse(r.device_class),
    plan: PlanInput.parse(JSON.parse(r.plan)),
    status: PlanStatus.parse(r.status),
    stageIndex: r.stage_index,
    stageStartedAt: r.stage_started_at,
    requestId: r.request_id,
    approved: r.approved === 1,
    updatedAt: r.ts,
    actor: { kind: r.actor_kind, id: r.actor_id, email: r.actor_email },
    reason: r.reason,
    decision: r.decision ? (JSON.parse(r.decision) as Decision) : null,
  };
}

async function writePlan(p: PlanState, actor: Actor, reason: string, decision: Decision | null): Promise<PlanState> {
  const next: PlanState = {
    ...p,
    revision: p.revision + 1,
    actor: { kind: actor.kind, id: actor.id, email: actor.email },
    reason,
    decision,
    updatedAt: new Date().toISOString(),
  };
  await insert(PLANS_TABLE, [
    {
      id: next.id,
      revision: next.revision,
      ts: Date.now(),
      device_class: next.deviceClass,
      plan: JSON.stringify(next.plan),
      status: next.status,
      stage_index: next.stageIndex,
      stage_started_at: Date.parse(next.stageStartedAt),
      request_id: next.requestId,
      approved: next.approved ? 1 : 0,
      actor_kind: actor.kind,
      actor_id: actor.id,
      actor_email: actor.email,
      reason,
      decision: decision ? JSON.stringify(decision) : '',
    },
  ]);
  return next;
}

export async function listPlans(filter: { deviceClass?: DeviceClass; limit?: number } = {}): Promise<PlanState[]> {
  const rows = await query(LatestPlansSql, {
    id: '',
    cls: filter.deviceClass ?? '',
    requestId: '',
    limit: filter.limit ?? 100,
  });
  return rows.map(toPlan);
}

export async function getPlan(id: string): Promise<PlanState> {
  const [r] = await query(LatestPlansSql, { id, cls: '', requestId: '', limit: 1 });
  if (!r) throw new RolloutError('NOT_FOUND', `No rollout plan ${id}.`);
  return toPlan(r);
}

export async function planTimeline(id: string): Promise<PlanState[]> {
  return (await query(PlanRevisionsSql, { id })).map(toPlan);
}

export async function planLooks(id: string, limit = 2000): Promise<PlanLookRow[]> {
  return query(PlanLooksSql, { id, limit });
}

/** Validate a plan for its class: zod shape first, then the cross-field rules, each naming the field. */
export function parsePlan(input: unknown, snap: Snapshot): PlanInput {
  const parsed = PlanInput.safeParse(input);
  if (!parsed.success) {
    throw new RolloutError(
      'BAD_REQUEST',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'plan'}: ${i.message}`).join('; '),
    );
  }
  const issues = planIssues(parsed.data, snap.classes[parsed.data.deviceClass].capabilities);
  if (issues.length) throw new RolloutError('BAD_REQUEST', issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return parsed.data;
}

/** The class's rule with the plan's settings at a stage (null: 0 %, everything rolled back). */
export function stageRule(cur: RolloutRule, plan: PlanInput, stage: number | null): RolloutRule {
  return RolloutRule.parse({
    ...cur,
    state: 'enabled',
    mode: plan.mode,
    uploadCapKbps: plan.uploadCapKbps,
    maxPeers: plan.maxPeers,
    holdbackPercentage: plan.holdbackPercentage,
    percentage: stage === null || stage < 0 ? 0 : plan.stages[Math.min(stage, plan.stages.length - 1)]!.percentage,
  });
}

function ceilingRequest(p: PlanInput, snap: Snapshot, actor: Actor, reason: string): ChangeRequest {
  const cur = snap.classes[p.deviceClass];
  const rule = stageRule(cur.rule, p, p.stages.length - 1);
  checkCapabilities(p.deviceClass, rule, cur);
  return newRequest({
    deviceClass: p.deviceClass,
    kind: 'plan',
    baseVersion: cur.version,
    rule,
    author: actor,
    reason,
  });
}

/** A new plan: validated, one open plan per class, and a change request for its ceiling. */
export async function createPlan(input: { actor: Actor; plan: unknown; reason: string }): Promise<PlanState> {
  const reason = requireReason(input.reason);
  return withWriteLock(async () => {
    const snap = await readSnapshot();
    const plan = parsePlan(input.plan, snap);
    const open = (await listPlans({ deviceClass: plan.deviceClass })).find((p) => OPEN.includes(p.status));
    if (open)
      throw new RolloutError(
        'CONFLICT',
        `${plan.deviceClass} already has an open plan (${open.id}, ${open.status}); edit or cancel it first.`,
      );
    const req = ceilingRequest(plan, snap, input.actor, reason);
    await writeRequest(req);
    const now = new Date().toISOString();
    const created = await writePlan(
      {
        id: randomUUID(),
        revision: 0,
        deviceClass: plan.deviceClass,
        plan,
        status: 'pending_approval',
        stageIndex: 0,
        stageStartedAt: now,
        requestId: req.id,
        approved: false,
        updatedAt: now,
        actor: input.actor,
        reason,
        decision: null,
      },
      input.actor,
      reason,
      {
        ts: now,
        action: 'requested',
        words: `Waiting for a different approver to approve the ceiling of ${plan.stages.at(-1)!.percentage} %.`,
      },
    );
    await audit({
      actor: auditActor(input.actor),
      action: 'rollout.plan_requested',
      target: { type: 'device_class', id: plan.deviceClass },
      after: plan,
      reason,
      details: { planId: created.id, requestId: req.id, ceiling: plan.stages.at(-1)!.percentage },
    });
    return created;
  });
}

/** Called by approveRequest (inside the write lock) when a plan's request gets its last approval. */
export async function applyPlanRequest(req: ChangeRequest, approver: Actor, snap: Snapshot): Promise<Snapshot> {
  const [row] = await query(LatestPlansSql, { id: '', cls: '', requestId: req.id, limit: 1 });
  if (!row) throw new RolloutError('NOT_FOUND', `No rollout plan waits for change request ${req.id}.`);
  const p = toPlan(row);
  if (p.status !== 'pending_approval')
    throw new RolloutError('CONFLICT', `Plan ${p.id} is ${p.status}, not waiting for approval.`);
  const cur = snap.classes[p.deviceClass];
  if (cur.killed || snap.global.killed)
    throw new RolloutError('CONFLICT', `${p.deviceClass} is killed: lift the kill switch before starting a plan.`);
  const stage = Math.max(0, Math.min(p.stageIndex, p.plan.stages.length - 1));
  const rule = stageRule(cur.rule, p.plan, stage);
  checkCapabilities(p.deviceClass, rule, cur);
  const fresh = await appendEvents(snap, [
    classEvent(p.deviceClass, { ...cur, rule }, 'change', approver, req.reason, req.id),
  ]);
  const now = new Date().toISOString();
  const words = `Approved by ${approver.email}; stage ${stage + 1} of ${p.plan.stages.length} (${rule.percentage} %) is running.`;
  await writePlan(
    { ...p, status: 'running', approved: true, stageIndex: stage, stageStartedAt: now },
    approver,
    req.reason,
    { ts: now, action: 'approved', words },
  );
  await audit({
    actor: auditActor(approver),
    action: 'rollout.plan_approved',
    target: { type: 'device_class', id: p.deviceClass },
    before: { status: p.status },
    after: { status: 'running', stage: stage + 1, percentage: rule.percentage },
    reason: req.reason,
    details: { planId: p.id, requestId: req.id, author: req.author.email },
  });
  return fresh;
}

function requireOpen(p: PlanState, allowed: readonly PlanStatus[], what: string): void {
  if (!allowed.includes(p.status)) throw new RolloutError('CONFLICT', `Plan ${p.id} is ${p.status}: cannot ${what}.`);
}

/** Edit a plan. Pending: its request is edited (approvals voided). Approved: it stops advancing until approved again. */
export async function editPlan(input: { actor: Actor; id: string; plan: unknown; reason: string }): Promise<PlanState> {
  const reason = requireReason(input.reason);
  const p = await getPlan(input.id);
  requireOpen(p, OPEN, 'edit it (create a new plan)');
  const snap = await readSnapshot();
  const plan = parsePlan(input.plan, snap);
  if (plan.deviceClass !== p.deviceClass)
    throw new RolloutError('BAD_REQUEST', 'deviceClass: a plan cannot move to another class.');
  if (p.status === 'pending_approval') {
    const req = await getRequest(p.requestId);
    if (req.status === 'pending') {
      await editRequest({
        actor: input.actor,
        id: req.id,
        rule: stageRule(snap.classes[p.deviceClass].rule, plan, plan.stages.length - 1),
        baseVersion: snap.classes[p.deviceClass].version,
        reason,
      });
      return withWriteLock(() =>
        writePlan({ ...p, plan }, input.actor, reason, {
          ts: new Date().toISOString(),
          action: 'edited',
          words: 'Edited; earlier approvals were voided.',
        }),
      );
    }
  }
  return withWriteLock(async () => {
    const fresh = await readSnapshot();
    const req = ceilingRequest(plan, fresh, input.actor, reason);
    await writeRequest(req);
    const stage = Math.min(p.stageIndex, plan.stages.length - 1);
    const next = await writePlan(
      { ...p, plan, status: 'pending_approval', approved: false, requestId: req.id, stageIndex: stage },
      input.actor,
      reason,
      {
        ts: new Date().toISOString(),
        action: 'edited',
        words: 'Edited after approval: it does not advance until a different approver approves it again.',
      },
    );
    await audit({
      actor: auditActor(input.actor),
      action: 'rollout.plan_edited',
      target: { type: 'device_class', id: p.deviceClass },
      before: p.plan,
      after: plan,
      reason,
      details: { planId: p.id, requestId: req.id },
    });
    return next;
  });
}

/** Any operator may pause: nothing changes for devices, the plan just stops advancing. */
export async function pausePlan(input: { actor: Actor; id: string; reason: string }): Promise<PlanState> {
  const reason = requireReason(input.reason);
  return withWriteLock(async () => {
    const p = await getPlan(input.id);
    requireOpen(p, ['running'], 'pause it');
    const next = await writePlan({ ...p, status: 'paused' }, input.actor, reason, {
      ts: new Date().toISOString(),
      action: 'paused',
      words: `Paused by ${input.actor.email}: ${reason}`,
    });
    await audit({
      actor: auditActor(input.actor),
      action: 'rollout.plan_paused',
      target: { type: 'device_class', id: p.deviceClass },
      reason,
      details: { planId: p.id, stage: p.stageIndex + 1 },
    });
    return next;
  });
}

/**
 * Resume: a paused plan runs on under its approval; a plan the guardrails held or rolled back (or a
 * kill stopped) needs a different approver again, as a change request for its ceiling.
 */
export async function resumePlan(input: { actor: Actor; id: string; reason: string }): Promise<PlanState> {
  const reason = requireReason(input.reason);
  return withWriteLock(async () => {
    const p = await getPlan(input.id);
    requireOpen(p, ['paused', 'held', 'rolled_back', 'stopped'], 'resume it');
    const snap = await readSnapshot();
    if (p.status === 'paused') {
      const now = new Date().toISOString();
      const next = await writePlan({ ...p, status: 'running', stageStartedAt: now }, input.actor, reason, {
        ts: now,
        action: 'resumed',
        words: `Resumed by ${input.actor.email}.`,
      });
      await audit({
        actor: auditActor(input.actor),
        action: 'rollout.plan_resumed',
        target: { type: 'device_class', id: p.deviceClass },
        reason,
        details: { planId: p.id },
      });
      return next;
    }
    const req = ceilingRequest(p.plan, snap, input.actor, reason);
    await writeRequest(req);
    const next = await writePlan(
      { ...p, status: 'pending_approval', approved: false, requestId: req.id, stageIndex: Math.max(0, p.stageIndex) },
      input.actor,
      reason,
      {
        ts: new Date().toISOString(),
        action: 'resume_requested',
        words: `Resuming after ${p.status.replace('_', ' ')} needs a different approver (change request ${req.id}).`,
      },
    );
    await audit({
      actor: auditActor(input.actor),
      action: 'rollout.plan_resume_requested',
      target: { type: 'device_class', id: p.deviceClass },
      reason,
      details: { planId: p.id, requestId: req.id },
    });
    return next;
  });
}

/** Lowering or rolling back applies at once: to an earlier stage, or to 0 % (toStage null). */
export async function rollbackPlan(input: {
  actor: Actor;
  id: string;
  toStage: number | null;
  reason: string;
}): Promise<PlanState> {
  const reason = requireReason(input.reason);
  return withWriteLock(async () => {
    const p = await getPlan(input.id);
    requireOpen(p, ['running', 'paused', 'held', 'rolled_back'], 'roll it back');
    if (input.toStage !== null && (input.toStage < 0 || input.toStage >= Math.max(0, p.stageIndex))) {
      throw new RolloutError(
        'BAD_REQUEST',
        `toStage: roll back to an earlier stage than the current one (stage ${p.stageIndex + 1}), or to 0 %.`,
      );
    }
    return applyRollback(p, input.toStage, input.actor, reason, null);
  });
}

async function applyRollback(
  p: PlanState,
  toStage: number | null,
  actor: Actor,
  reason: string,
  evidence: Evidence | null,
): Promise<PlanState> {
  const snap = await readSnapshot();
  const cur = snap.classes[p.deviceClass];
  const rule = stageRule(cur.rule, p.plan, toStage);
  if (rule.percentage < cur.rule.percentage)
    await appendEvents(snap, [classEvent(p.deviceClass, { ...cur, rule }, 'change', actor, reason)]);
  const now = new Date().toISOString();
  const words = `Rolled back to ${toStage === null ? '0 %' : `stage ${toStage + 1} (${rule.percentage} %)`}: ${reason}`;
  const next = await writePlan(
    { ...p, status: 'rolled_back', stageIndex: toStage ?? -1, stageStartedAt: now },
    actor,
    reason,
    { ts: now, action: 'rolled_back', words },
  );
  await audit({
    actor: auditActor(actor),
    action: 'rollout.plan_rolled_back',
    target: { type: 'device_class', id: p.deviceClass },
    before: { percentage: cur.rule.percentage, stage: p.stageIndex + 1 },
    after: { percentage: rule.percentage, stage: toStage === null ? 0 : toStage + 1 },
    reason,
    details: { planId: p.id, ...(evidence ? evidenceDetails(evidence) : {}) },
  });
  notify('rolled_back', { deviceClass: p.deviceClass, planId: p.id, text: `${p.deviceClass}: ${words}` });
  return next;
}

/** Close a plan that has not started or is stopped; its pending request is cancelled. */
export async function cancelPlan(input: { actor: Actor; id: string; reason: string }): Promise<PlanState> {
  const reason = requireReason(input.reason);
  const p = await getPlan(input.id);
  requireOpen(p, [...OPEN, 'stopped'], 'cancel it');
  if (p.status === 'pending_approval') {
    const req = await getRequest(p.requestId);
    if (req.status === 'pending') await cancelRequest({ actor: input.actor, id: req.id, reason });
  }
  return withWriteLock(async () => {
    const next = await writePlan({ ...p, status: 'cancelled' }, input.actor, reason, {
      ts: new Date().toISOString(),
      action: 'cancelled',
      words: `Cancelled by ${input.actor.email}; exposure stays where it is.`,
    });
    await audit({
      actor: auditActor(input.actor),
      action: 'rollout.plan_cancelled',
      target: { type: 'device_class', id: p.deviceClass },
      reason,
      details: { planId: p.id },
    });
    return next;
  });
}

/** A kill switch stops every open plan of the class (or of every class): lifting the kill does not resume them. */
export async function stopPlansOnKill(target: Target, reason: string): Promise<void> {
  const plans = (await listPlans({ deviceClass: target === GLOBAL ? undefined : target, limit: 1000 })).filter((p) =>
    ['running', 'paused', 'pending_approval', 'held'].includes(p.status),
  );
  for (const p of plans) await stopPlan(p, `Kill switch: ${reason}`);
  if (plans.length || target !== GLOBAL)
    notify('kill', {
      deviceClass: target,
      text: `${target === GLOBAL ? 'Every device class' : target} killed: ${reason}`,
    });
}

async function stopPlan(p: PlanState, why: string): Promise<void> {
  await withWriteLock(async () => {
    await writePlan({ ...p, status: 'stopped' }, SYSTEM, why, {
      ts: new Date().toISOString(),
      action: 'stopped',
      words: `${why}. Stopped for good: lifting the kill does not resume it; resuming needs approval.`,
    });
    await audit({
      actor: auditActor(SYSTEM),
      action: 'rollout.plan_stopped',
      target: { type: 'device_class', id: p.deviceClass },
      reason: why,
      details: { planId: p.id, stage: p.stageIndex + 1 },
    });
  });
}

// ---------- the evaluator ----------

interface ServerView {
  treatment: DeviceAgg[];
  control: DeviceAgg[];
  mismatches: number;
}

/**
 * Per device since the stage began, with the cohort recomputed from the device's targeting key and the
 * rule of the configVersion it reported: a client cannot choose its cohort. A device whose reported
 * cohort disagrees is counted and left out; reports under a rule with another split (the previous
 * stage, before the device refreshed) are left out so the split matches the stage's.
 */
export async function serverView(
  cls: DeviceClass,
  fromMs: number,
  split: { percentage: number; holdbackPercentage: number },
): Promise<ServerView> {
  const [rows, versions] = await Promise.all([
    query(DevicePlaybackSql, { cls, fromMs, limit: 2_000_000 }),
    query(ClassVersionsSql, { cls }),
  ]);
  const rules = new Map(
    versions.map((v) => [
      v.class_version,
      { rule: v.rule ? RolloutRule.safeParse(JSON.parse(v.rule)) : null, killed: v.killed === 1 },
    ]),
  );
  const devices = new Map<string, { agg: DeviceAgg; cohort: 'p2p' | 'control' | null; bad: boolean }>();
  for (const r of rows) {
    let d = devices.get(r.device_id);
    if (!d) {
      d = {
        agg: {
          playMs: 0,
          rebufferMs: 0,
          startupSumMs: 0,
          startupCount: 0,
          sessions: 0,
          failedSessions: 0,
          bitrateKbpsMs: 0,
          bytesCdn: 0,
          bytesP2p: 0,
        },
        cohort: null,
        bad: false,
      };
      devices.set(r.device_id, d);
    }
    const v = rules.get(r.config_version);
    if (!v?.rule?.success) {
      d.bad = true;
      continue;
    }
    const rule = v.rule.data;
    const cohort = evaluate(rule, v.killed, {
      targetingKey: r.device_id,
      asn: r.asn || null,
      country: r.country || null,
      clientVersion: r.client_version || null,
    }).cohort;
    if (cohort !== r.cohort) {
      d.bad = true;
      continue;
    }
    if (
      cohort === 'off' ||
      rule.percentage !== split.percentage ||
      rule.holdbackPercentage !== split.holdbackPercentage
    )
      continue;
    if (d.cohort && d.cohort !== cohort) d.bad = true;
    d.cohort = cohort;
    const a = d.agg;
    a.playMs += r.play_ms;
    a.rebufferMs += r.rebuffer_ms;
    a.startupSumMs += r.startup_sum;
    a.startupCount += r.startup_count;
    a.sessions += r.sessions;
    a.failedSessions += r.failed_sessions;
    a.bitrateKbpsMs += r.bitrate_kbps_ms;
    a.bytesCdn += r.bytes_cdn;
    a.bytesP2p += r.bytes_p2p;
  }
  const out: ServerView = { treatment: [], control: [], mismatches: 0 };
  for (const d of devices.values()) {
    if (d.bad) out.mismatches += 1;
    else if (d.cohort === 'p2p') out.treatment.push(d.agg);
    else if (d.cohort === 'control') out.control.push(d.agg);
  }
  return out;
}

function evidenceDetails(e: Evidence) {
  return {
    verdict: e.verdict.kind,
    srm: {
      chi2: e.srm.chi2,
      p: e.srm.p,
      treatmentDevices: e.srm.treatmentDevices,
      controlDevices: e.srm.controlDevices,
      expectedShare: e.srm.expectedShare,
    },
    offload: e.offload,
    guardrails: e.metrics.map((m) => ({
      metric: m.metric,
      treatment: m.treatment,
      control: m.control,
      diff: m.diff,
      interval: m.lower === null ? null : [m.lower, m.upper],
      threshold: m.threshold,
      devices: { treatment: m.nTreatment, control: m.nControl },
      alpha: m.alpha,
      status: m.status,
    })),
  };
}

export interface PlanLook {
  planId: string;
  deviceClass: DeviceClass;
  action: StepAction['kind'] | 'stopped' | 'paused';
  words: string;
  evidence: Evidence | null;
  mismatches: number;
}

/** One look at one running plan: evidence, then advance / hold / roll back / wait, each automatic action audited. */
export async function evaluatePlan(p: PlanState, now = Date.now()): Promise<PlanLook> {
  const snap = await readSnapshot();
  const st = snap.classes[p.deviceClass];
  const base = { planId: p.id, deviceClass: p.deviceClass, evidence: null, mismatches: 0 };
  if (st.killed || snap.global.killed) {
    await stopPlan(p, 'Kill switch engaged');
    return { ...base, action: 'stopped', words: 'The kill switch stopped the plan.' };
  }
  const expected = stageRule(st.rule, p.plan, p.stageIndex);
  if (
    st.rule.state !== 'enabled' ||
    st.rule.percentage !== expected.percentage ||
    st.rule.holdbackPercentage !== expected.holdbackPercentage ||
    st.rule.mode !== expected.mode
  ) {
    const why = `The ${p.deviceClass} rule was changed outside the plan (now ${st.rule.state}, ${st.rule.percentage} %); paused so it does not fight the change.`;
    await withWriteLock(async () => {
      await writePlan({ ...p, status: 'paused' }, SYSTEM, why, {
        ts: new Date(now).toISOString(),
        action: 'paused',
        words: why,
      });
      await audit({
        actor: auditActor(SYSTEM),
        action: 'rollout.plan_paused',
        target: { type: 'device_class', id: p.deviceClass },
        reason: why,
        details: { planId: p.id },
      });
    });
    return { ...base, action: 'paused', words: why };
  }
  const stageFrom = Date.parse(p.stageStartedAt);
  const view = await serverView(p.deviceClass, stageFrom, expected);
  const evidence = evaluateGuardrails({
    plan: p.plan,
    treatment: view.treatment,
    control: view.control,
    treatmentPct: expected.percentage,
    holdbackPct: expected.holdbackPercentage,
  });
  const step = nextStep(p.plan, p.stageIndex, (now - stageFrom) / 60_000, evidence.verdict);
  const words = describe(p, step, evidence, view.mismatches);
  await insert(
    PLAN_LOOKS_TABLE,
    evidence.metrics.map((m) => ({
      plan_id: p.id,
      ts: now,
      stage_index: p.stageIndex,
      metric: m.metric,
      treatment: m.treatment,
      control: m.control,
      diff: m.diff,
      lower: m.lower,
      upper: m.upper,
      threshold: m.threshold,
      n_treatment: m.nTreatment,
      n_control: m.nControl,
      status: m.status,
      srm_p: evidence.srm.p,
      mismatches: view.mismatches,
      verdict: evidence.verdict.kind,
      why: words,
    })),
  );
  const look: PlanLook = {
    planId: p.id,
    deviceClass: p.deviceClass,
    action: step.kind,
    words,
    evidence,
    mismatches: view.mismatches,
  };
  if (step.kind === 'wait') return look;
  const details = { planId: p.id, stage: p.stageIndex + 1, mismatches: view.mismatches, ...evidenceDetails(evidence) };
  // The next stage starts at the wall clock even when a look is judged at another `now` (tests, replays).
  const ts = new Date(Math.min(now, Date.now())).toISOString();
  await withWriteLock(async () => {
    // Re-read inside the lock: an operator may have paused or rolled back since the look started.
    const cur = await getPlan(p.id);
    if (cur.status !== 'running' || cur.revision !== p.revision) return;
    if (step.kind === 'advance') {
      const fresh = await readSnapshot();
      const cs = fresh.classes[p.deviceClass];
      const rule = stageRule(cs.rule, p.plan, step.toStage);
      await appendEvents(fresh, [classEvent(p.deviceClass, { ...cs, rule }, 'change', SYSTEM, words)]);
      await writePlan({ ...cur, stageIndex: step.toStage, stageStartedAt: ts }, SYSTEM, words, {
        ts,
        action: 'advanced',
        words,
      });
      await audit({
        actor: auditActor(SYSTEM),
        action: 'rollout.plan_advanced',
        target: { type: 'device_class', id: p.deviceClass },
        before: { percentage: cs.rule.percentage },
        after: { percentage: rule.percentage },
        reason: words,
        details,
      });
      notify('advanced', { deviceClass: p.deviceClass, planId: p.id, text: `${p.deviceClass}: ${words}` });
    } else if (step.kind === 'complete') {
      await writePlan({ ...cur, status: 'completed' }, SYSTEM, words, { ts, action: 'completed', words });
      await audit({
        actor: auditActor(SYSTEM),
        action: 'rollout.plan_completed',
        target: { type: 'device_class', id: p.deviceClass },
        reason: words,
        details,
      });
      notify('advanced', { deviceClass: p.deviceClass, planId: p.id, text: `${p.deviceClass}: ${words}` });
    } else if (step.kind === 'hold') {
      await writePlan({ ...cur, status: 'held' }, SYSTEM, words, { ts, action: 'held', words });
      await audit({
        actor: auditActor(SYSTEM),
        action: 'rollout.plan_held',
        target: { type: 'device_class', id: p.deviceClass },
        reason: words,
        details,
      });
      notify(evidence.verdict.kind === 'srm' ? 'srm' : 'held', {
        deviceClass: p.deviceClass,
        planId: p.id,
        text: `${p.deviceClass}: ${words}`,
      });
    } else if (step.kind === 'rollback') {
      await applyRollback(cur, step.toStage, SYSTEM, words, evidence);
    }
  });
  return look;
}

function describe(p: PlanState, step: StepAction, e: Evidence, mismatches: number): string {
  const stage = `stage ${p.stageIndex + 1} of ${p.plan.stages.length} (${p.plan.stages[p.stageIndex]!.percentage} %)`;
  const n = `${e.srm.treatmentDevices} p2p / ${e.srm.controlDevices} holdback devices${mismatches ? `, ${mismatches} with a misreported cohort excluded` : ''}`;
  switch (step.kind) {
    case 'wait':
      return `Staying at ${stage}: ${step.why} (${n}).${e.verdict.kind === 'ok' ? ' Every guardrail holds so far.' : ''}`;
    case 'advance':
      return `Advanced from ${stage} to ${p.plan.stages[step.toStage]!.percentage} %: every guardrail holds, minimum time and sample reached (${n}).`;
    case 'complete':
      return `Completed at ${stage}: every guardrail holds (${n}).`;
    case 'hold':
      return `Held at ${stage}: ${step.why} (${n})`;
    case 'rollback':
      return `Regression at ${stage}: ${step.why} (${n})`;
  }
}

/** Every running plan, one look each (the periodic evaluator; failures of one plan do not stop the others). */
export async function evaluatePlans(now = Date.now()): Promise<PlanLook[]> {
  const running = (await listPlans({ limit: 1000 })).filter((p) => p.status === 'running');
  const out: PlanLook[] = [];
  for (const p of running) {
    try {
      out.push(await evaluatePlan(p, now));
    } catch (err) {
      logger({ area: 'rollouts' }).error(
        { plan: p.id, deviceClass: p.deviceClass, err: (err as Error).message },
        'plan evaluation failed',
      );
    }
  }
  return out;
}
