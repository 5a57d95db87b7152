import { describe, expect, it } from 'vitest';
import { listAudit } from '@/server/audit/log';
import { ensureFirstAdmin } from '@/server/auth/startup';
import { DEMO_APPROVER_EMAIL, seedDemoRollouts } from '@/server/demo/seed-rollouts';
import { readSnapshot } from '@/server/rollout/snapshot';
import { withFreshStore } from '../helpers/store';

withFreshStore({ SWARMDECK_DEMO: '1' });

describe('demo rollout seed', () => {
  it('enables P2P through the gate: proposed by the demo admin, approved by a second user', async () => {
    const lines: string[] = [];
    await ensureFirstAdmin((l) => lines.push(l));
    await seedDemoRollouts((l) => lines.push(l));
    const snap = await readSnapshot();
    expect(snap.classes.smart_tv.rule).toMatchObject({
      state: 'enabled',
      mode: 'full',
      percentage: 60,
      holdbackPercentage: 10,
    });
    expect(snap.classes.mobile.rule).toMatchObject({ state: 'enabled', mode: 'download', percentage: 30 });
    expect(snap.classes.smart_tv.version).toBe(1);
    const applied = await listAudit({ action: 'rollout.change_applied' });
    expect(applied).toHaveLength(7);
    const approvals = await listAudit({ action: 'rollout.change_request_approved' });
    expect(approvals.every((a) => a.actor_email === DEMO_APPROVER_EMAIL)).toBe(true);
    const requested = await listAudit({ action: 'rollout.change_requested' });
    expect(requested.every((a) => a.actor_email === 'admin@swarmdeck.local')).toBe(true);
    expect(lines.join('\n')).toMatch(/P2P enabled for 7 device classes/);

    // Run again (a restart): nothing more is proposed.
    await seedDemoRollouts(() => {});
    expect(await listAudit({ action: 'rollout.change_applied' })).toHaveLength(7);
  });
});
