import { audit } from '../audit/log';
import { DEMO_ADMIN_EMAIL } from '../auth/startup';
import { generatePassword, hashPassword } from '../auth/passwords';
import { createUser, getUserByEmail } from '../auth/users';
import { env } from '../env';
import { approveRequest, proposeChange, type Actor } from '../rollout/service';
import { readSnapshot } from '../rollout/snapshot';
import { onStartup } from '../startup';
import { defaultRule, DEVICE_CLASSES, type DeviceClass, type RolloutRule } from '@/lib/rollout/rule';

export const DEMO_APPROVER_EMAIL = 'approver@swarmdeck.local';

/** What the demo fleet starts with: a realistic mid-rollout, uploads only where the class may upload. */
const DEMO_RULES: Partial<Record<DeviceClass, Pick<RolloutRule, 'mode' | 'percentage' | 'holdbackPercentage' | 'uploadCapKbps' | 'maxPeers'>>> = {
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
    const res = await proposeChange({ actor: author, deviceClass: cls, rule, baseVersion: snap.classes[cls].version, reason: 'demo: initial P2P rollout' });
    if (res.outcome === 'requested') {
      await approveRequest({ actor: approving, id: res.requestId, comment: 'demo: approved for the simulated fleet' });
    }
  }
  log(`demo rollout: P2P enabled for ${Object.keys(DEMO_RULES).length} device classes (proposed by ${admin.email}, approved by ${approver.email})`);
}

onStartup({ name: 'demo', run: seedDemoRollouts });
