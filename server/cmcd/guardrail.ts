import { query } from '../clickhouse/client';
import { chTime } from '../dashboards/window';
import { CmcdGuardrailRow, CmcdGuardrailSql } from '../clickhouse/queries/cmcd';

/**
 * What CMCD can give the rollout guardrails: playing and rebuffering time per device, only for events
 * that carry a device id AND a configVersion — from those the guardrail recomputes the cohort itself
 * (the class's rule at that version, bucketed on the device id) instead of trusting a cohort the player
 * claims. Everything else CMCD reports stays out of the guardrails.
 */

/** Per (device, class, configVersion) over [fromMs, toMs): the guardrail's CMCD input. */
export async function cmcdGuardrailRows(fromMs: number, toMs: number): Promise<CmcdGuardrailRow[]> {
  return query(CmcdGuardrailSql, { lo: chTime(fromMs), hi: chTime(toMs) });
}
