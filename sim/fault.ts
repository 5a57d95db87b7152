import { DEVICE_CLASSES } from '../lib/telemetry/schema';
import type { DeviceClass } from '../sdk/report';

/**
 * A fault put into the fleet on purpose, to watch the guardrails catch it: the p2p cohort of one
 * device class (or of every class) plays worse than it would. The control cohort (P2P off: the
 * holdback, opted-out devices, a killed class) is never touched, so the difference between the
 * cohorts is the fault.
 *
 *   mobile:rebuffer+50%     stalls of p2p mobile sessions last 50 % longer (rebuffer ratio × 1.5)
 *   smart_tv:startup+30%    p2p smart-TV sessions take 30 % longer to their first frame
 *   *:failure+200%          p2p sessions of every class fail fatally three times as often
 *   desktop:rebuffer+100%@10m   the same, from 10 minutes (real time) after the simulator starts
 */
export type FaultMetric = 'rebuffer' | 'startup' | 'failure';

export interface FleetFault {
  deviceClass: DeviceClass | '*';
  metric: FaultMetric;
  /** How many per cent worse: +50 → × 1.5. */
  extraPct: number;
  /** Active from this virtual time on (epoch ms; 0: from the start). */
  fromMs: number;
}

const METRICS: readonly FaultMetric[] = ['rebuffer', 'startup', 'failure'];
const SPEC = /^([a-z_*]+):([a-z]+)\+(\d+(?:\.\d+)?)%(?:@(\d+(?:\.\d+)?)(s|m|h))?$/;

/** Parses `class:metric+N%[@delay]`; `now` anchors the delay. Throws a message naming what to fix. */
export function parseFault(spec: string, now = Date.now()): FleetFault {
  const m = SPEC.exec(spec.trim());
  if (!m) {
    throw new Error(`--fault "${spec}": expected class:metric+N% (e.g. mobile:rebuffer+50%, *:startup+30%@10m)`);
  }
  const [, cls, metric, pct, delay, unit] = m;
  if (cls !== '*' && !(DEVICE_CLASSES as readonly string[]).includes(cls!)) {
    throw new Error(`--fault "${spec}": unknown device class "${cls}" (one of ${DEVICE_CLASSES.join(', ')}, or *)`);
  }
  if (!(METRICS as readonly string[]).includes(metric!)) {
    throw new Error(`--fault "${spec}": unknown metric "${metric}" (one of ${METRICS.join(', ')})`);
  }
  const extraPct = Number(pct);
  if (!(extraPct > 0 && extraPct <= 1000)) throw new Error(`--fault "${spec}": the extra must be between 0 and 1000 %`);
  const delayMs = delay ? Number(delay) * { s: 1_000, m: 60_000, h: 3_600_000 }[unit as 's' | 'm' | 'h'] : 0;
  return {
    deviceClass: cls as DeviceClass | '*',
    metric: metric as FaultMetric,
    extraPct,
    fromMs: delayMs ? now + delayMs : 0,
  };
}

/** The specs in `--fault` values or in a comma-separated list (`SWARMDECK_DEMO_FAULT`), each on its own. */
export function faultSpecsOf(list: string | readonly string[] | undefined): string[] {
  return (typeof list === 'string' ? [list] : (list ?? [])).flatMap((s) => s.split(',')).filter(Boolean);
}

/** Every spec of the list parsed (`parseFault`); the first bad one throws. */
export function parseFaults(list: string | readonly string[] | undefined, now = Date.now()): FleetFault[] {
  return faultSpecsOf(list).map((s) => parseFault(s, now));
}

export function describeFault(f: FleetFault): string {
  const who = f.deviceClass === '*' ? 'every class' : f.deviceClass;
  const what = { rebuffer: 'stalls last', startup: 'start-up takes', failure: 'fatal failures are' }[f.metric];
  const when = f.fromMs ? ` from ${new Date(f.fromMs).toISOString().slice(11, 19)}Z` : '';
  return `p2p cohort of ${who}: ${what} ${f.extraPct} % more${when}`;
}

/** The factor a p2p session of `cls` gets on `metric` at virtual time `t` (1: no fault). */
export function faultFactor(faults: readonly FleetFault[], cls: DeviceClass, metric: FaultMetric, t: number): number {
  let factor = 1;
  for (const f of faults) {
    if (f.metric !== metric || t < f.fromMs) continue;
    if (f.deviceClass !== '*' && f.deviceClass !== cls) continue;
    factor *= 1 + f.extraPct / 100;
  }
  return factor;
}
