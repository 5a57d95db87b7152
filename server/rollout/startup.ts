import { onStartup } from '../startup';
import './cli';
import { runGuardrail } from './guardrail';
import { expireRequests } from './service';
import { rolloutSettings } from './settings';
import { currentSnapshot } from './snapshot';

/**
 * At server start: load the rollout snapshot (so the first OFREP request never waits for the store),
 * start polling for other processes' writes, and run the guardrail and request expiry periodically.
 */
onStartup({
  name: 'rollouts',
  run: async (log) => {
    const snap = await currentSnapshot();
    log(`config loaded at seq ${snap.seq}`);
    const every = rolloutSettings().SWARMDECK_GUARDRAIL_INTERVAL_SECONDS;
    if (every > 0) {
      const timer = setInterval(() => {
        void (async () => {
          try {
            await expireRequests();
            const halted = (await runGuardrail()).filter((f) => f.outcome === 'halted');
            for (const f of halted) log(`guardrail halted ${f.deviceClass}`);
          } catch (err) {
            log(`periodic check failed: ${(err as Error).message}`);
          }
        })();
      }, every * 1000);
      timer.unref();
      log(`guardrail every ${every} s`);
    }
  },
});
