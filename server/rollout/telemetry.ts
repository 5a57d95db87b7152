import { query } from '../clickhouse/client';
import { CohortStatsSql } from '../clickhouse/queries/rollouts';
import { DEVICE_CLASSES, type DeviceClass } from '@/lib/rollout/rule';

export interface CohortShare {
  cohort: string;
  sessions: number;
  /** Share of the class's sessions reporting this cohort (0–1). */
  share: number;
}

export interface ClassLive {
  sessions: number;
  cohorts: CohortShare[];
  /** P2P bytes / (CDN + P2P bytes) over the window, null without traffic. */
  offload: number | null;
}

/** Per class over the last `minutes`: the share of sessions reporting each cohort, and offload. */
export async function liveCohorts(minutes = 15): Promise<Record<DeviceClass, ClassLive>> {
  const rows = await query(CohortStatsSql, { minutes });
  const out = Object.fromEntries(
    DEVICE_CLASSES.map((c): [DeviceClass, ClassLive] => [c, { sessions: 0, cohorts: [], offload: null }]),
  ) as Record<DeviceClass, ClassLive>;
  for (const cls of DEVICE_CLASSES) {
    const mine = rows.filter((r) => r.device_class === cls);
    // A session that switched cohort mid-window counts once per cohort; shares are of the summed counts.
    const total = mine.reduce((s, r) => s + r.sessions, 0);
    const cdn = mine.reduce((s, r) => s + r.bytes_cdn, 0);
    const p2p = mine.reduce((s, r) => s + r.bytes_p2p_down, 0);
    out[cls] = {
      sessions: total,
      cohorts: mine
        .map((r) => ({ cohort: r.cohort, sessions: r.sessions, share: total ? r.sessions / total : 0 }))
        .sort((a, b) => b.sessions - a.sessions),
      offload: cdn + p2p > 0 ? p2p / (cdn + p2p) : null,
    };
  }
  return out;
}
