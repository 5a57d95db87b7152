import { TRPCError } from '@trpc/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { bucketOf } from '@/lib/rollout/evaluate';
import { listAudit } from '@/server/audit/log';
import { insert } from '@/server/clickhouse/client';
import { rolloutPlansRouter } from '@/server/api/routers/rollout-plans';
import { evaluatePlans, getPlan } from '@/server/rollout/plans';
import { resetRolloutSettings } from '@/server/rollout/settings';
import { readSnapshot, resetSnapshot } from '@/server/rollout/snapshot';
import { notifyIdle } from '@/server/notify/service';
import { getRequest } from '@/server/rollout/service';
import { callerAs } from '../helpers/auth';

/** The revision a reviewer has in front of them: approve and edit must name it. */
const latest = async (id: string) => (await getRequest(id)).revision;
import { withFreshStore } from '../helpers/store';

withFreshStore({ SWARMDECK_SESSION_SECRET: 'a-session-secret-for-rollout-plan-tests-0123' });

type Caller = Awaited<ReturnType<typeof callerAs>>['caller'];
let op: Caller, op2: Caller, appr: Caller, appr2: Caller, viewer: Caller;
const tested = new Set<string>();

beforeAll(async () => {
  resetSnapshot();
  resetRolloutSettings();
  op = (await callerAs('operator')).caller;
  op2 = (await callerAs('operator')).caller;
  appr = (await callerAs('approver')).caller;
  appr2 = (await callerAs('approver')).caller;
  viewer = (await callerAs('viewer')).caller;
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof TRPCError ? `${e.code}: ${e.message}` : String(e);
  }
  return 'OK';
}

const SALT = 'smart_tv-v1';
const plan = (over: Record<string, unknown> = {}) => ({
  deviceClass: 'smart_tv',
  mode: 'download',
  uploadCapKbps: 0,
  maxPeers: 8,
  holdbackPercentage: 20,
  stages: [
    { percentage: 20, minDurationMinutes: 1, minDevicesPerCohort: 100 },
    { percentage: 40, minDurationMinutes: 1, minDevicesPerCohort: 100 },
    { percentage: 60, minDurationMinutes: 1, minDevicesPerCohort: 100 },
  ],
  ...over,
});

/** Device ids in a cohort under a split (the contract's bucketing), found by hashing candidates. */
function devicesIn(cohort: 'p2p' | 'control', n: number, pct: number, holdback: number, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const id = `${prefix}-${i}`;
    const b = bucketOf(SALT, id);
    if (cohort === 'p2p' ? b < pct * 100 : b >= 10_000 - holdback * 100) out.push(id);
  }
  return out;
}

let seq = 0;
/** One report per device: play 10–30 min, rebuffer at `rate` (varying per device), a startup, a bitrate. */
function reports(ids: string[], cohort: string, version: number, rate: number) {
  return ids.map((id, i) => {
    const play = 600_000 + ((i * 7919) % 1_200_000);
    return {
      report_id: `r-${seq++}`,
      ts: Date.now(),
      received_at: Date.now(),
      interval_ms: 60_000,
      session_id: `s-${id}-${version}`,
      device_id: id,
      device_class: 'smart_tv',
      cohort,
      config_version: version,
      p2p_mode: cohort === 'p2p' ? 'download' : 'off',
      play_ms: play,
      rebuffer_ms: Math.round(play * rate * (0.5 + ((i * 31) % 100) / 100)),
      startup_ms: 900 + ((i * 13) % 400),
      bitrate_kbps: 4000 + ((i * 17) % 500),
      bytes_cdn: cohort === 'p2p' ? 1000 : 4000,
      bytes_p2p_down: cohort === 'p2p' ? 3000 : 0,
    };
  });
}

const ratio = (rows: ReturnType<typeof reports>) =>
  rows.reduce((s, r) => s + r.rebuffer_ms, 0) / rows.reduce((s, r) => s + r.play_ms + r.rebuffer_ms, 0);

describe('guarded rollout plans', () => {
  let planId = '';

  it('refuses bad plans with a message naming the field', async () => {
    tested.add('create');
    const rising = await code(
      op.rolloutPlans.create({
        plan: plan({
          stages: [
            { percentage: 10, minDurationMinutes: 5, minDevicesPerCohort: 50 },
            { percentage: 5, minDurationMinutes: 5, minDevicesPerCohort: 50 },
          ],
        }),
        reason: 'tv ramp',
      }),
    );
    expect(rising).toMatch(/^BAD_REQUEST: stages\.1\.percentage: Stages must rise/);
    expect(await code(op.rolloutPlans.create({ plan: plan({ holdbackPercentage: 0 }), reason: 'tv ramp' }))).toMatch(
      /^BAD_REQUEST: holdbackPercentage: A holdback above 0 %/,
    );
    expect(
      await code(op.rolloutPlans.create({ plan: plan({ deviceClass: 'mobile', mode: 'full' }), reason: 'phones' })),
    ).toMatch(/^BAD_REQUEST: mode: mobile may not upload/);
    expect(await code(op.rolloutPlans.create({ plan: plan({ stages: [] }), reason: 'tv ramp' }))).toMatch(
      /^BAD_REQUEST: stages: /,
    );
    expect(await code(viewer.rolloutPlans.create({ plan: plan(), reason: 'tv ramp' }))).toMatch(/^FORBIDDEN/);
    expect(await listAudit({ action: 'rollout.plan_requested' })).toEqual([]);
  });

  it('a plan is one change request for its ceiling; a different approver starts stage 1', async () => {
    const created = await op.rolloutPlans.create({ plan: plan(), reason: 'tv ramp' });
    planId = created.id;
    expect(created.status).toBe('pending_approval');
    expect((await readSnapshot()).classes.smart_tv.rule.state).toBe('disabled');
    const reqs = await viewer.rollouts.requests({ status: 'pending' });
    const req = reqs.find((r) => r.id === created.requestId)!;
    expect(req).toMatchObject({ kind: 'plan', deviceClass: 'smart_tv' });
    expect(req.rule).toMatchObject({ percentage: 60, holdbackPercentage: 20, state: 'enabled' });
    expect(await code(op.rolloutPlans.create({ plan: plan(), reason: 'again' }))).toMatch(
      /^CONFLICT: smart_tv already has an open plan/,
    );
    expect(await code(op.rollouts.approve({ id: req.id, revision: await latest(req.id) }))).toMatch(/^FORBIDDEN/);
    await appr.rollouts.approve({ id: req.id, revision: await latest(req.id) });
    const tv = (await readSnapshot()).classes.smart_tv;
    expect(tv.rule).toMatchObject({ state: 'enabled', percentage: 20, holdbackPercentage: 20, mode: 'download' });
    expect((await getPlan(planId)).status).toBe('running');
    expect((await listAudit({ action: 'rollout.plan_approved' }))[0]).toMatchObject({ target_id: 'smart_tv' });
  });

  it('advances only when the stage minimum time and sample are reached and every guardrail holds', async () => {
    tested.add('evaluate');
    const v = (await readSnapshot()).classes.smart_tv.version;
    const t = reports(devicesIn('p2p', 300, 20, 20, 'a'), 'p2p', v, 0.01);
    const c = reports(devicesIn('control', 300, 20, 20, 'a'), 'control', v, 0.01);
    // Three clients that claim the holdback while their bucket says p2p: excluded and counted.
    const liars = reports(devicesIn('p2p', 303, 20, 20, 'a').slice(300), 'control', v, 0.5);
    await insert('telemetry_raw', [...t, ...c, ...liars]);
    // Right after approval the stage's minimum minute has not passed: it waits.
    const early = await evaluatePlans(Date.now());
    expect(early[0]).toMatchObject({ action: 'wait' });
    expect(early[0]!.words).toMatch(/stage 1 has run 0 of 1 min/);
    expect(await code(viewer.rolloutPlans.evaluate())).toMatch(/^FORBIDDEN/);
    expect((await op.rolloutPlans.evaluate()).map((l) => l.action)).toEqual(['wait']);
    const [look] = await evaluatePlans(Date.now() + 120_000);
    expect(look).toMatchObject({ action: 'advance', mismatches: 3 });
    expect((await readSnapshot()).classes.smart_tv.rule.percentage).toBe(40);
    const [a] = await listAudit({ action: 'rollout.plan_advanced' });
    expect(a).toMatchObject({ actor_kind: 'system', target_id: 'smart_tv' });
    const d = JSON.parse(a!.details) as {
      guardrails: {
        metric: string;
        treatment: number;
        control: number;
        interval: [number, number];
        devices: { treatment: number; control: number };
      }[];
      mismatches: number;
    };
    const rr = d.guardrails.find((g) => g.metric === 'rebuffer_ratio')!;
    expect(rr.treatment).toBeCloseTo(ratio(t), 12);
    expect(rr.control).toBeCloseTo(ratio(c), 12);
    expect(rr.devices).toEqual({ treatment: 300, control: 300 });
    expect(rr.interval[0]).toBeLessThan(rr.treatment - rr.control);
    expect(d.mismatches).toBe(3);
    const got = await viewer.rolloutPlans.get({ id: planId });
    expect(got.timeline.map((p) => [p.status, p.stageIndex])).toEqual([
      ['pending_approval', 0],
      ['running', 0],
      ['running', 1],
    ]);
    expect(got.looks.filter((l) => l.metric === 'rebuffer_ratio').map((l) => l.verdict)).toEqual(['ok', 'ok', 'ok']);
  });

  it('holds on a regression, with the evidence in the audit row; resuming needs a different approver', async () => {
    tested.add('resume');
    const v = (await readSnapshot()).classes.smart_tv.version;
    const t = reports(devicesIn('p2p', 400, 40, 20, 'b'), 'p2p', v, 0.04);
    const c = reports(devicesIn('control', 200, 40, 20, 'b'), 'control', v, 0.01);
    await insert('telemetry_raw', [...t, ...c]);
    // A regression acts at once, before the stage's minimum time.
    const [look] = await evaluatePlans(Date.now());
    expect(look).toMatchObject({ action: 'hold' });
    expect(look!.words).toMatch(
      /^Held at stage 2 of 3 \(40 %\): Rebuffer ratio: p2p \d\.\d\d % vs holdback \d\.\d\d %/,
    );
    expect((await readSnapshot()).classes.smart_tv.rule.percentage).toBe(40);
    const [h] = await listAudit({ action: 'rollout.plan_held' });
    expect(h).toMatchObject({ actor_kind: 'system' });
    const rr = (
      JSON.parse(h!.details) as { guardrails: { metric: string; treatment: number; status: string }[] }
    ).guardrails.find((g) => g.metric === 'rebuffer_ratio')!;
    expect(rr).toMatchObject({ status: 'regressed' });
    expect(rr.treatment).toBeCloseTo(ratio(t), 12);
    // Held: the evaluator leaves it alone.
    expect(await evaluatePlans(Date.now() + 600_000)).toEqual([]);
    const resumed = await op.rolloutPlans.resume({ id: planId, reason: 'false alarm? look again' });
    expect(resumed.status).toBe('pending_approval');
    expect(
      await code(op.rollouts.approve({ id: resumed.requestId, revision: await latest(resumed.requestId) })),
    ).toMatch(/^FORBIDDEN/);
    await appr2.rollouts.approve({ id: resumed.requestId, revision: await latest(resumed.requestId) });
    expect((await getPlan(planId)).status).toBe('running');
    expect((await readSnapshot()).classes.smart_tv.rule.percentage).toBe(40);
  });

  it('any operator can pause; a paused plan resumes without approval; edits after approval need it again', async () => {
    tested.add('pause');
    tested.add('edit');
    await op2.rolloutPlans.pause({ id: planId, reason: 'maintenance window' });
    expect((await getPlan(planId)).status).toBe('paused');
    expect(await evaluatePlans(Date.now() + 600_000)).toEqual([]);
    expect((await op2.rolloutPlans.resume({ id: planId, reason: 'window over' })).status).toBe('running');
    const edited = await op.rolloutPlans.edit({
      id: planId,
      plan: plan({ stages: [...plan().stages, { percentage: 80, minDurationMinutes: 1, minDevicesPerCohort: 100 }] }),
      reason: 'go to 80',
    });
    expect(edited).toMatchObject({ status: 'pending_approval', stageIndex: 1 });
    expect((await readSnapshot()).classes.smart_tv.rule.percentage).toBe(40);
    await appr.rollouts.approve({ id: edited.requestId, revision: await latest(edited.requestId) });
    expect((await getPlan(planId)).plan.stages.at(-1)!.percentage).toBe(80);
  });

  it('rolling back applies at once', async () => {
    tested.add('rollback');
    expect(await code(op.rolloutPlans.rollback({ id: planId, toStage: 1, reason: 'not an earlier stage' }))).toMatch(
      /^BAD_REQUEST: toStage/,
    );
    await op.rolloutPlans.rollback({ id: planId, toStage: 0, reason: 'support tickets' });
    expect((await readSnapshot()).classes.smart_tv.rule.percentage).toBe(20);
    expect((await getPlan(planId)).status).toBe('rolled_back');
    const r = await op.rolloutPlans.resume({ id: planId, reason: 'tickets were unrelated' });
    await appr.rollouts.approve({ id: r.requestId, revision: await latest(r.requestId) });
    expect((await getPlan(planId)).status).toBe('running');
  });

  it('a kill switch stops the plan; lifting the kill does not resume it', async () => {
    tested.add('cancel');
    await op.rollouts.kill({ deviceClass: 'smart_tv', reason: 'incident 7' });
    expect((await getPlan(planId)).status).toBe('stopped');
    const u = await op.rollouts.unkill({ deviceClass: 'smart_tv', reason: 'incident over' });
    await appr.rollouts.approve({ id: u.requestId, revision: await latest(u.requestId) });
    expect((await readSnapshot()).classes.smart_tv.killed).toBe(false);
    expect((await getPlan(planId)).status).toBe('stopped');
    expect(await evaluatePlans(Date.now() + 600_000)).toEqual([]);
    expect((await listAudit({ action: 'rollout.plan_stopped' }))[0]).toMatchObject({
      actor_kind: 'system',
      reason: 'Kill switch: incident 7',
    });
    // A stopped plan can be cancelled, freeing the class for a new plan.
    expect((await op.rolloutPlans.cancel({ id: planId, reason: 'start over' })).status).toBe('cancelled');
    const again = await op.rolloutPlans.create({ plan: plan(), reason: 'tv ramp, take two' });
    expect(again.status).toBe('pending_approval');
    await notifyIdle();
    const kinds = (await viewer.notify.notifications({})).map((n) => n.kind);
    expect(kinds).toEqual(expect.arrayContaining(['kill', 'advanced', 'held', 'rolled_back']));
  });

  it('covers every mutating procedure of the plans router', () => {
    const procs = rolloutPlansRouter._def.procedures as Record<string, { _def: { type: string } }>;
    const mutations = Object.entries(procs)
      .filter(([, p]) => p._def.type === 'mutation')
      .map(([k]) => k)
      .sort();
    expect(mutations).toEqual([...tested].sort());
  });
});
