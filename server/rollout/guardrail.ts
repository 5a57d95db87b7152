import { query } from '../clickhouse/client';
import { CohortStatsRow, CohortStatsSql } from '../clickhouse/queries/rollouts';
import { DEVICE_CLASSES, type DeviceClass } from '@/lib/rollout/rule';
import { kill } from './service';
import { rolloutSettings } from './settings';
import { readSnapshot } from './snapshot';

export interface GuardrailFinding {
  deviceClass: DeviceClass;
  p2pRatio: number | null;
  controlRatio: number | null;
  /** Why nothing happened, or 'halted'. */
  outcome: 'halted' | 'ok' | 'not enough playback' | 'not active';
}

function ratio(play: number, rebuffer: number): number | null {
  return play + rebuffer > 0 ? rebuffer / (play + rebuffer) : null;
}

/**
 * Halt (kill) a class whose p2p cohort rebuffers more than its control cohort by more than the margin
 * (percentage points of rebuffer ratio) over the window. Audited as a system action.
 */
export async function runGuardrail(opts: { windowMinutes?: number; marginPp?: number; minPlayMinutes?: number } = {}): Promise<GuardrailFinding[]> {
  const s = rolloutSettings();
  const windowMinutes = opts.windowMinutes ?? s.SWARMDECK_GUARDRAIL_WINDOW_MINUTES;
  const marginPp = opts.marginPp ?? s.SWARMDECK_GUARDRAIL_MARGIN_PP;
  const minPlayMs = (opts.minPlayMinutes ?? s.SWARMDECK_GUARDRAIL_MIN_PLAY_MINUTES) * 60_000;
  const snap = await readSnapshot();
  const rows = await query(CohortStatsSql, { minutes: windowMinutes }, CohortStatsRow);
  const findings: GuardrailFinding[] = [];
  for (const cls of DEVICE_CLASSES) {
    const st = snap.classes[cls];
    const p2p = rows.find((r) => r.device_class === cls && r.cohort === 'p2p');
    const control = rows.find((r) => r.device_class === cls && r.cohort === 'control');
    const p2pRatio = p2p ? ratio(p2p.play_ms, p2p.rebuffer_ms) : null;
    const controlRatio = control ? ratio(control.play_ms, control.rebuffer_ms) : null;
    if (st.rule.state !== 'enabled' || st.killed || snap.global.killed) {
      findings.push({ deviceClass: cls, p2pRatio, controlRatio, outcome: 'not active' });
      continue;
    }
    if (!p2p || !control || p2p.play_ms + p2p.rebuffer_ms < minPlayMs || control.play_ms + control.rebuffer_ms < minPlayMs) {
      findings.push({ deviceClass: cls, p2pRatio, controlRatio, outcome: 'not enough playback' });
      continue;
    }
    const excess = (p2pRatio! - controlRatio!) * 100;
    if (excess <= marginPp) {
      findings.push({ deviceClass: cls, p2pRatio, controlRatio, outcome: 'ok' });
      continue;
    }
    const reason =
      `Guardrail: p2p rebuffer ratio ${(p2pRatio! * 100).toFixed(2)}% vs control ${(controlRatio! * 100).toFixed(2)}% ` +
      `over the last ${windowMinutes} min exceeds the ${marginPp} pp margin`;
    await kill({
      actor: { kind: 'system', id: 'rollout-guardrail', email: '' },
      target: cls,
      reason,
      action: 'rollout.guardrail_halted',
      details: { p2pRatio, controlRatio, windowMinutes, marginPp },
    });
    findings.push({ deviceClass: cls, p2pRatio, controlRatio, outcome: 'halted' });
  }
  return findings;
}
