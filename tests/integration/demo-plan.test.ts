import { describe, expect, it } from 'vitest';
import { listAudit } from '@/server/audit/log';
import { ensureFirstAdmin } from '@/server/auth/startup';
import { DEMO_PLAN, feedDemoPlanFleet, seedDemoRollouts } from '@/server/demo/seed-rollouts';
import { evaluatePlans, listPlans } from '@/server/rollout/plans';
import { readSnapshot } from '@/server/rollout/snapshot';
import { withFreshStore } from '../helpers/store';

withFreshStore({ SWARMDECK_DEMO: '1' });

describe('demo guarded plan', () => {
  it('npm run demo starts a game-console plan that advances on the virtual fleet’s playback', async () => {
    await ensureFirstAdmin(() => {});
    await seedDemoRollouts(() => {});
    const [plan] = await listPlans({ deviceClass: 'game_console' });
    expect(plan).toMatchObject({ status: 'running', stageIndex: 0, approved: true });
    expect((await readSnapshot()).classes.game_console.rule).toMatchObject({
      percentage: 50,
      holdbackPercentage: 10,
      mode: 'full',
    });
    const start = Date.now();
    let written = 0;
    for (let m = 0; m < 3; m++) written += await feedDemoPlanFleet(start + m * 60_000);
    // About 3 % of 20 000 consoles report each minute.
    expect(written).toBeGreaterThan(1500);
    expect(written).toBeLessThan(2100);
    const [look] = await evaluatePlans(start + (DEMO_PLAN.stages[0]!.minDurationMinutes + 1) * 60_000);
    expect(look).toMatchObject({ action: 'advance' });
    expect(look!.evidence!.srm.flagged).toBe(false);
    expect((await readSnapshot()).classes.game_console.rule.percentage).toBe(60);
    expect((await listAudit({ action: 'rollout.plan_advanced' }))[0]).toMatchObject({
      actor_kind: 'system',
      target_id: 'game_console',
    });
  });
});
