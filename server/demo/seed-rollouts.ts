import { audit } from '../audit/log';
import { DEMO_ADMIN_EMAIL } from '../auth/startup';
import { generatePassword, hashPassword } from '../auth/passwords';
import { createUser, getUserByEmail } from '../auth/users';
import { env } from '../env';
import { faultFactor, parseFaults, type FleetFault } from '../../sim/fault';
import { insert } from '../clickhouse/client';
import { createPlan, listPlans } from '../rollout/plans';
import { approveRequest, proposeChange, type Actor } from '../rollout/service';
import { readSnapshot } from '../rollout/snapshot';
import type { StartupTask } from '../startup';
import { evaluate } from '@/lib/rollout/evaluate';
import type { PlanInput } from '@/lib/rollout/plan';
import { seededRandom } from '@/lib/rollout/stats';
import { defaultRule, DEVICE_CLASSES, type DeviceClass, type RolloutRule } from '@/lib/rollout/rule';

export const DEMO_APPROVER_EMAIL = 'approver@swarmdeck.local';

/** What the demo fleet starts with: a realistic mid-rollout, uploads only where the class may upload. */
const DEMO_RULES: Partial<
  Record<DeviceClass, Pick<RolloutRule, 'mode' | 'percentage' | 'holdbackPercentage' | 'uploadCapKbps' | 'maxPeers'>>
> = {
  smart_tv: { mode: 'full', percentage: 60, holdbackPercentage: 10, uploadCapKbps: 4_000, maxPeers: 16 },
  set_top_box: { mode: 'full', percentage: 70, holdbackPercentage: 10, uploadCapKbps: 4_000, maxPeers: 16 },
  game_console: { mode: 'full', percentage: 50, holdbackPercentage: 10, uploadCapKbps: 6_000, maxPeers: 24 },
  desktop: { mode: 'full', percentage: 80, holdbackPercentage: 10, uploadCapKbps: 6_000, maxPeers: 24 },
  streaming_stick: { mode: 'download', percentage: 40, holdbackPercentage: 10, uploadCapKbps: 0, maxPeers: 8 },
  mobile: { mode: 'download', percentage: 30, holdbackPercentage: 10, uploadCapKbps: 0, maxPeers: 8 },
  tablet: { mode: 'download', percentage: 50, holdbackPercentage: 10, uploadCapKbps: 0, maxPeers: 8 },
};

/**
 * Demo only (SWARMDECK_DEMO=1), on a store whose rules were never changed: the demo admin proposes the
 * demo rules and a second demo user with the approver role approves them — through the same gate as
 * any change, so the audit log shows who asked and who approved.
 */
export async function seedDemoRollouts(log: (line: string) => void): Promise<void> {
  if (!env().SWARMDECK_DEMO) return;
  const snap = await readSnapshot();
  if (snap.seq > 0) return;
  const admin = await getUserByEmail(DEMO_ADMIN_EMAIL);
  if (!admin) return;
  let approver = await getUserByEmail(DEMO_APPROVER_EMAIL);
  if (!approver) {
    approver = await createUser({
      email: DEMO_APPROVER_EMAIL,
      role: 'approver',
      name: 'Demo approver',
      passwordHash: await hashPassword(generatePassword()),
    });
    await audit({
      actor: { kind: 'system', id: 'demo', email: '' },
      action: 'user.created',
      target: { type: 'user', id: approver.id },
      after: { email: approver.email, role: 'approver' },
      reason: 'demo: a second person to approve the demo rollout',
    });
  }
  const author: Actor = { kind: 'user', id: admin.id, email: admin.email };
  const approving: Actor = { kind: 'user', id: approver.id, email: approver.email };
  for (const cls of DEVICE_CLASSES) {
    const plan = DEMO_RULES[cls];
    if (!plan) continue;
    const rule: RolloutRule = { ...defaultRule(cls), ...plan, state: 'enabled' };
    const res = await proposeChange({
      actor: author,
      deviceClass: cls,
      rule,
      baseVersion: snap.classes[cls].version,
      reason: 'demo: initial P2P rollout',
    });
    if (res.outcome === 'requested') {
      await approveRequest({ actor: approving, id: res.requestId, comment: 'demo: approved for the simulated fleet' });
    }
  }
  log(
    `demo rollout: P2P enabled for ${Object.keys(DEMO_RULES).length} device classes (proposed by ${admin.email}, approved by ${approver.email})`,
  );
  const plan = await createPlan({
    actor: author,
    plan: DEMO_PLAN,
    reason: 'demo: guarded ramp of game consoles to 90 %',
  });
  await approveRequest({ actor: approving, id: plan.requestId, comment: 'demo: approved up to 90 %' });
  log(`demo plan: game_console ramps 50 → 60 → 70 → 80 → 90 % while its guardrails hold (watch it on /rollouts)`);
}

/** The demo's guarded plan: short stages so a newcomer sees it advance within minutes. */
export const DEMO_PLAN: PlanInput = {
  deviceClass: 'game_console',
  mode: 'full',
  uploadCapKbps: 6_000,
  maxPeers: 24,
  holdbackPercentage: 10,
  stages: [50, 60, 70, 80, 90].map((percentage) => ({ percentage, minDurationMinutes: 3, minDevicesPerCohort: 100 })),
  onRegression: 'hold',
  alpha: 0.05,
  guardrails: [
    { metric: 'rebuffer_ratio', tolerance: { kind: 'absolute', value: 0.002 } },
    { metric: 'startup_ms', tolerance: { kind: 'relative', value: 0.1 } },
    { metric: 'failure_rate', tolerance: { kind: 'absolute', value: 0.005 } },
    { metric: 'bitrate_kbps', tolerance: { kind: 'relative', value: 0.05 } },
  ],
  tuningDevices: 2000,
};

let parsedFaults: { spec: string; faults: FleetFault[] } | undefined;

/** `SWARMDECK_DEMO_FAULT` (set by `npm run demo -- --fault …`), anchored at the first feed. */
function demoFaults(now: number): FleetFault[] {
  const spec = env().SWARMDECK_DEMO_FAULT ?? '';
  if (parsedFaults?.spec !== spec) parsedFaults = { spec, faults: parseFaults(spec, now) };
  return parsedFaults.faults;
}

/** Virtual game consoles beside the live fleet: the live demo fleet is too small for a guardrail sample. */
export const DEMO_PLAN_FLEET = 20_000;

/**
 * One minute of playback from the virtual console fleet: each console watching this minute evaluates
 * the current rule as its client would over OFREP and reports cohort and configVersion; p2p plays as
 * well as the holdback, so the plan advances — unless `npm run demo -- --fault game_console:…` put a
 * fault into the p2p cohort, which the guardrails then catch. Returns the number of reports written.
 */
export async function feedDemoPlanFleet(now = Date.now()): Promise<number> {
  const snap = await readSnapshot();
  const st = snap.classes.game_console;
  const rand = seededRandom(Math.floor(now / 60_000));
  const faults = demoFaults(now);
  const rebufferX = faultFactor(faults, 'game_console', 'rebuffer', now);
  const startupX = faultFactor(faults, 'game_console', 'startup', now);
  const failureX = faultFactor(faults, 'game_console', 'failure', now);
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < DEMO_PLAN_FLEET; i++) {
    if (rand() >= 0.03) continue;
    const id = `demo-gc-${i}`;
    const ev = evaluate(st.rule, st.killed || snap.global.killed, { targetingKey: id, clientVersion: '3.1.0' });
    const p2p = ev.cohort === 'p2p';
    // Per-device habits from the id, so devices differ the way real ones do.
    const habit = seededRandom(i)();
    const playMs = 55_000;
    const bytes = Math.round((6_000_000 / 8) * 55);
    rows.push({
      report_id: `demo-gc-${i}-${Math.floor(now / 60_000)}`,
      ts: now,
      received_at: now,
      interval_ms: 60_000,
      session_id: `demo-gc-${i}-${Math.floor(now / 1_800_000)}`,
      device_id: id,
      peer_id: id,
      device_class: 'game_console',
      client_version: '3.1.0',
      content_id: 'title-001',
      swarm_id: 'title-001/uhd',
      p2p_mode: p2p ? st.rule.mode : 'off',
      cohort: ev.cohort,
      config_version: st.version,
      play_ms: playMs,
      rebuffer_ms: Math.min(
        60_000 - playMs,
        Math.round(playMs * 0.006 * (0.2 + 1.6 * habit) * (0.5 + rand()) * (p2p ? rebufferX : 1)),
      ),
      rebuffer_count: 1,
      startup_ms: Math.round((1200 + 800 * habit + 200 * rand()) * (p2p ? startupX : 1)),
      bitrate_kbps: Math.round(5500 + 1000 * habit),
      fatal_error: rand() < 0.003 * (p2p ? failureX : 1) ? 'fragLoadError' : '',
      bytes_cdn: p2p ? Math.round(bytes * 0.35) : bytes,
      bytes_p2p_down: p2p ? Math.round(bytes * 0.65) : 0,
    });
  }
  if (rows.length) await insert('telemetry_raw', rows);
  return rows.length;
}

/** This area's start-up task; server/startup.ts lists every task in order. */
export const demoStartup: StartupTask = {
  name: 'demo',
  run: async (log) => {
    await seedDemoRollouts(log);
    if (!env().SWARMDECK_DEMO) return;
    const running = (await listPlans({ deviceClass: 'game_console' })).some((p) => p.status === 'running');
    if (!running) return;
    const timer = setInterval(() => {
      feedDemoPlanFleet().catch((err: Error) => log(`demo plan fleet: ${err.message}`));
    }, 60_000);
    timer.unref();
    void feedDemoPlanFleet().catch(() => undefined);
  },
};
