import type { StartupTask } from '../startup';
import { evaluatePlans } from './plans';
import { expireRequests } from './service';
import { rolloutSettings } from './settings';
import { currentSnapshot } from './snapshot';

/**
 * At server start: load the rollout snapshot (so the first OFREP request never waits for the store),
 * start polling for other processes' writes, and run request expiry and the guarded-rollout evaluator
 * (every running plan: guardrails, then advance / hold / roll back) periodically.
 */
/** This area's start-up task; server/startup.ts lists every task in order. */
export const rolloutStartup: StartupTask = {
  name: 'rollouts',
  run: async (log) => {
    const snap = await currentSnapshot();
    log(`config loaded at seq ${snap.seq}`);
    const every = rolloutSettings().SWARMDECK_GUARDRAIL_INTERVAL_SECONDS;
    if (every > 0) {
      let busy = false;
      const timer = setInterval(() => {
        // A slow look (a large class) must not overlap the next one.
        if (busy) return;
        busy = true;
        void (async () => {
          try {
            await expireRequests();
            for (const l of await evaluatePlans())
              if (l.action !== 'wait') log(`plan ${l.planId} (${l.deviceClass}): ${l.action}`);
          } catch (err) {
            log(`periodic check failed: ${(err as Error).message}`);
          } finally {
            busy = false;
          }
        })();
      }, every * 1000);
      timer.unref();
      log(`rollout plans evaluated every ${every} s`);
    }
  },
};
