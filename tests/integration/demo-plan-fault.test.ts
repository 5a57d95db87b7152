import { describe, expect, it } from 'vitest';
import { listAudit } from '@/server/audit/log';
import { ensureFirstAdmin } from '@/server/auth/startup';
import { feedDemoPlanFleet, seedDemoRollouts } from '@/server/demo/seed-rollouts';
import { evaluatePlans, listPlans } from '@/server/rollout/plans';
import { readSnapshot } from '@/server/rollout/snapshot';
import { withFreshStore } from '../helpers/store';

// `npm run demo -- --fault game_console:rebuffer+100%` sets this for the server.
withFreshStore({ SWARMDECK_DEMO: '1', SWARMDECK_DEMO_FAULT: 'game_console:rebuffer+100%' });

describe('demo guarded plan with a fault on purpose', () => {
  it('holds the game-console plan on the rebuffer guardrail instead of advancing it', async () => {
    await ensureFirstAdmin(() => {});
    await seedDemoRollouts(() => {});
    const [plan] = await listPlans({ deviceClass: 'game_console' });
    expect(plan).toMatchObject({ status: 'running', stageIndex: 0 });
    const start = Date.now();
    // The demo feeds one minute of the virtual consoles' playback a minute and evaluates as often.
    let held: Awaited<ReturnType<typeof evaluatePlans>>[number] | undefined;
    let minute = 0;
    for (; minute < 20 && !held; minute++) {
      await feedDemoPlanFleet(start + minute * 60_000);
      const [look] = await evaluatePlans(start + (minute + 1) * 60_000);
      expect(look?.action).not.toBe('advance');
      if (look?.action === 'hold') held = look;
    }
    expect(held, 'no hold within 20 minutes').toBeDefined();
    expect(held!.evidence!.verdict.kind).toBe('regression');
    const rebuffer = held!.evidence!.metrics.find((g) => g.metric === 'rebuffer_ratio')!;
    expect(rebuffer.status).toBe('regressed');
    // The p2p consoles' stalls last twice as long: treatment − control ≈ the control's own ratio, and
    // the whole confidence sequence lies beyond the 0.2 pp tolerance.
    expect(rebuffer.diff! / rebuffer.control!).toBeGreaterThan(0.7);
    expect(rebuffer.diff! / rebuffer.control!).toBeLessThan(1.3);
    expect(rebuffer.lower!).toBeGreaterThan(rebuffer.threshold!);
    expect(held!.evidence!.srm.flagged).toBe(false);
    const [after] = await listPlans({ deviceClass: 'game_console' });
    expect(after).toMatchObject({ status: 'held', stageIndex: 0 });
    expect((await readSnapshot()).classes.game_console.rule.percentage).toBe(50);
    expect((await listAudit({ action: 'rollout.plan_held' }))[0]).toMatchObject({
      actor_kind: 'system',
      target_id: 'game_console',
    });
    console.log(`demo fault held the plan after ${minute} simulated minute(s)`);
  });
});
