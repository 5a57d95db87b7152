import { compareVersions, type Cohort, type FlagKey, type P2pMode, type Reason, type RolloutRule } from './rule';

export const BUCKETS = 10_000;

/**
 * cyrb53: a fast 53-bit string hash with good avalanche, pure JS so the server, tests and a browser
 * agree on every device's bucket without node:crypto.
 */
export function hash53(str: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A device's bucket, 0 … 9999: a function of the salt and the targeting key alone. */
export function bucketOf(salt: string, targetingKey: string): number {
  return hash53(`${salt}\u0000${targetingKey}`) % BUCKETS;
}

export interface EvalContext {
  targetingKey: string;
  asn?: number | null;
  country?: string | null;
  clientVersion?: string | null;
}

export interface Evaluation {
  cohort: Cohort;
  reason: Reason;
  bucket: number | null;
  flags: { 'p2p-mode': P2pMode; 'p2p-upload-cap-kbps': number; 'p2p-max-peers': number };
}

const OFF: Evaluation['flags'] = { 'p2p-mode': 'off', 'p2p-upload-cap-kbps': 0, 'p2p-max-peers': 0 };

/** Whether the device is inside the rule's targeting (unknown attributes never match a restriction). */
export function isTargeted(rule: RolloutRule, ctx: EvalContext): boolean {
  const t = rule.targeting;
  const asn = ctx.asn ?? null;
  if (t.asnAllow.length > 0 && (asn === null || !t.asnAllow.includes(asn))) return false;
  if (asn !== null && t.asnDeny.includes(asn)) return false;
  if (t.countries.length > 0 && (!ctx.country || !t.countries.includes(ctx.country.toUpperCase()))) return false;
  if (t.minClientVersion && (!ctx.clientVersion || compareVersions(ctx.clientVersion, t.minClientVersion) < 0))
    return false;
  return true;
}

/** Thresholds in buckets; 0.01 % is one bucket. */
export function thresholds(rule: RolloutRule): { treatment: number; holdbackFrom: number } {
  return {
    treatment: Math.round(rule.percentage * 100),
    holdbackFrom: BUCKETS - Math.round(rule.holdbackPercentage * 100),
  };
}

/** Kill switches and disabled rules first, then targeting, then the bucket split. */
export function evaluate(rule: RolloutRule, killed: boolean, ctx: EvalContext): Evaluation {
  if (killed || rule.state !== 'enabled') return { cohort: 'off', reason: 'DISABLED', bucket: null, flags: OFF };
  if (!isTargeted(rule, ctx)) return { cohort: 'off', reason: 'TARGETING_MATCH', bucket: null, flags: OFF };
  const bucket = bucketOf(rule.salt, ctx.targetingKey);
  const { treatment, holdbackFrom } = thresholds(rule);
  if (bucket < treatment) {
    return {
      cohort: 'p2p',
      reason: 'SPLIT',
      bucket,
      flags: {
        'p2p-mode': rule.mode,
        'p2p-upload-cap-kbps': rule.mode === 'full' ? rule.uploadCapKbps : 0,
        'p2p-max-peers': rule.maxPeers,
      },
    };
  }
  return { cohort: bucket >= holdbackFrom ? 'control' : 'off', reason: 'SPLIT', bucket, flags: OFF };
}

export function flagValue(ev: Evaluation, key: FlagKey): string | number {
  return ev.flags[key];
}

/** A class's effective exposure settings: the rule plus whether a kill switch holds it off. */
export interface ExposureState {
  rule: RolloutRule;
  killed: boolean;
}

export interface ExposureDelta {
  /** Changes that put P2P on more devices, or more P2P on the same devices: need approval. */
  raises: string[];
  /** Changes that take exposure away: apply at once. */
  lowers: string[];
  /** Changes that move no device into P2P (the holdback size): apply at once. */
  neutral: string[];
}

function added<T>(after: readonly T[], before: readonly T[]): T[] {
  return after.filter((x) => !before.includes(x));
}

/** An allow list widens when it becomes empty (everyone) or gains entries. */
function allowListDelta<T>(
  name: string,
  before: readonly T[],
  after: readonly T[],
  raises: string[],
  lowers: string[],
) {
  if (before.length > 0 && after.length === 0) raises.push(`${name}: restriction removed`);
  else if (before.length === 0 && after.length > 0) lowers.push(`${name}: restricted to ${after.join(', ')}`);
  else {
    const plus = added(after, before);
    const minus = added(before, after);
    if (plus.length) raises.push(`${name}: + ${plus.join(', ')}`);
    if (minus.length) lowers.push(`${name}: − ${minus.join(', ')}`);
  }
}

/**
 * Classify a change. Anything that raises exposure on any axis makes the whole change need approval,
 * even if it lowers another axis at the same time.
 */
export function exposureDelta(before: ExposureState, after: ExposureState): ExposureDelta {
  const raises: string[] = [];
  const lowers: string[] = [];
  const b = before.rule;
  const a = after.rule;
  if (before.killed && !after.killed) raises.push('kill switch lifted');
  if (!before.killed && after.killed) lowers.push('kill switch engaged');
  if (b.state === 'disabled' && a.state === 'enabled') raises.push('enabled');
  if (b.state === 'enabled' && a.state === 'disabled') lowers.push('disabled');
  if (a.percentage > b.percentage) raises.push(`rollout ${b.percentage}% → ${a.percentage}%`);
  if (a.percentage < b.percentage) lowers.push(`rollout ${b.percentage}% → ${a.percentage}%`);
  if (b.mode === 'download' && a.mode === 'full') raises.push('mode download → full');
  if (b.mode === 'full' && a.mode === 'download') lowers.push('mode full → download');
  if (a.uploadCapKbps > b.uploadCapKbps) raises.push(`upload cap ${b.uploadCapKbps} → ${a.uploadCapKbps} kbps`);
  if (a.uploadCapKbps < b.uploadCapKbps) lowers.push(`upload cap ${b.uploadCapKbps} → ${a.uploadCapKbps} kbps`);
  if (a.maxPeers > b.maxPeers) raises.push(`max peers ${b.maxPeers} → ${a.maxPeers}`);
  if (a.maxPeers < b.maxPeers) lowers.push(`max peers ${b.maxPeers} → ${a.maxPeers}`);
  if (a.salt !== b.salt) raises.push('reshuffle (new salt moves devices between cohorts)');
  allowListDelta('ASN allow list', b.targeting.asnAllow, a.targeting.asnAllow, raises, lowers);
  allowListDelta('countries', b.targeting.countries, a.targeting.countries, raises, lowers);
  const denyRemoved = added(b.targeting.asnDeny, a.targeting.asnDeny);
  const denyAdded = added(a.targeting.asnDeny, b.targeting.asnDeny);
  if (denyRemoved.length) raises.push(`ASN deny list: − ${denyRemoved.join(', ')}`);
  if (denyAdded.length) lowers.push(`ASN deny list: + ${denyAdded.join(', ')}`);
  const bv = b.targeting.minClientVersion;
  const av = a.targeting.minClientVersion;
  if (bv && (!av || compareVersions(av, bv) < 0)) raises.push(`minimum client version ${bv} → ${av || 'none'}`);
  if (av && (!bv || compareVersions(av, bv) > 0)) lowers.push(`minimum client version ${bv || 'none'} → ${av}`);
  const neutral: string[] = [];
  if (a.holdbackPercentage !== b.holdbackPercentage)
    neutral.push(`holdback ${b.holdbackPercentage}% → ${a.holdbackPercentage}%`);
  return { raises, lowers, neutral };
}
