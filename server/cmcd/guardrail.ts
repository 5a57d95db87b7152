import { z } from 'zod';
import { query } from '../clickhouse/client';
import { chTime } from '../dashboards/window';
import { cmcdIntervalsSql } from './qoe-source';

/**
 * What CMCD can give the rollout guardrails: playing and rebuffering time per device, only for events
 * that carry a device id AND a configVersion — from those the guardrail recomputes the cohort itself
 * (the class's rule at that version, bucketed on the device id) instead of trusting a cohort the player
 * claims. Everything else CMCD reports stays out of the guardrails.
 */

export const CmcdGuardrailRow = z.object({
  device_id: z.string(),
  device_class: z.string(),
  config_version: z.coerce.number(),
  claimed_cohort: z.string(),
  play_ms: z.coerce.number(),
  rebuffer_ms: z.coerce.number(),
});
export type CmcdGuardrailRow = z.infer<typeof CmcdGuardrailRow>;

const SQL = `SELECT device_id, toString(device_class) AS device_class, assumeNotNull(config_version) AS config_version,
  toString(cohort) AS claimed_cohort, sum(play_ms) AS play_ms, sum(rebuffer_ms) AS rebuffer_ms
FROM (${cmcdIntervalsSql(false)})
WHERE device_id != '' AND config_version IS NOT NULL
GROUP BY device_id, device_class, config_version, claimed_cohort
ORDER BY device_id, config_version`;

/** Per (device, class, configVersion) over [fromMs, toMs): the guardrail's CMCD input. */
export async function cmcdGuardrailRows(fromMs: number, toMs: number): Promise<CmcdGuardrailRow[]> {
  return query(SQL, { lo: chTime(fromMs), hi: chTime(toMs) }, CmcdGuardrailRow);
}
