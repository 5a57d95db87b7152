import { z } from 'zod';

/** Rollout knobs, read from the environment once per process (tests reset them with resetRolloutSettings). */
const Settings = z.object({
  /** Distinct approvers (never the author) a change request needs. */
  SWARMDECK_ROLLOUT_APPROVALS: z.coerce.number().int().min(1).max(5).default(1),
  /** Pending change requests expire after this many hours. */
  SWARMDECK_ROLLOUT_REQUEST_TTL_HOURS: z.coerce.number().positive().default(72),
  /** How often every process checks the event table for changes made elsewhere (ms, ≤ 2000). */
  SWARMDECK_ROLLOUT_POLL_MS: z.coerce.number().int().min(100).max(2000).default(1000),
  /** Seconds between looks of the guarded-rollout evaluator at every running plan; 0 switches it off. */
  SWARMDECK_GUARDRAIL_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
  /** OFREP requests per second per ingest key before 429. */
  SWARMDECK_OFREP_RATE_PER_KEY: z.coerce.number().int().min(1).default(20_000),
});
export type RolloutSettings = z.infer<typeof Settings>;

let cached: RolloutSettings | undefined;

export function rolloutSettings(): RolloutSettings {
  cached ??= Settings.parse(process.env);
  return cached;
}

export function resetRolloutSettings(): void {
  cached = undefined;
}
