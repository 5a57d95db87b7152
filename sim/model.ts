import type { DeviceClass, P2pMode } from '../sdk/report';
import type { P2pSettings } from '../sdk/settings';
import { hash32, type Rng } from './random';

/** Device classes: share of sessions and what the hardware can do. */
export interface DeviceProfile {
  cls: DeviceClass;
  share: number;
  rendition: 'uhd' | 'hd' | 'sd';
  /** Upstream the device can spare for peers (kbit/s). */
  uplinkKbps: number;
  /** Segment cache for seeding, bytes. */
  cacheBytes: number;
  startupMedianMs: number;
  sessionMedianMin: number;
  /** Stalls per playing minute with P2P off. */
  stallsPerMin: number;
  stallMedianMs: number;
  /** Stall multiplier by the mode the client runs. */
  modeFactor: Record<P2pMode, number>;
  fatalPerSession: number;
  versions: readonly string[];
}

const MB = 1024 * 1024;

export const DEVICES: readonly DeviceProfile[] = [
  {
    cls: 'smart_tv',
    share: 0.3,
    rendition: 'uhd',
    uplinkKbps: 10000,
    cacheBytes: 2048 * MB,
    startupMedianMs: 1900,
    sessionMedianMin: 38,
    stallsPerMin: 0.02,
    stallMedianMs: 1400,
    modeFactor: { off: 1, download: 0.85, full: 0.9 },
    fatalPerSession: 0.004,
    versions: ['7.12.0', '7.11.3', '7.10.1'],
  },
  {
    cls: 'streaming_stick',
    share: 0.12,
    rendition: 'hd',
    uplinkKbps: 4000,
    cacheBytes: 512 * MB,
    startupMedianMs: 1600,
    sessionMedianMin: 32,
    stallsPerMin: 0.04,
    stallMedianMs: 1600,
    modeFactor: { off: 1, download: 0.9, full: 1.1 },
    fatalPerSession: 0.006,
    versions: ['4.3.2', '4.2.0'],
  },
  {
    cls: 'game_console',
    share: 0.06,
    rendition: 'uhd',
    uplinkKbps: 15000,
    cacheBytes: 4096 * MB,
    startupMedianMs: 1500,
    sessionMedianMin: 42,
    stallsPerMin: 0.015,
    stallMedianMs: 1100,
    modeFactor: { off: 1, download: 0.85, full: 0.85 },
    fatalPerSession: 0.003,
    versions: ['3.1.0'],
  },
  {
    cls: 'set_top_box',
    share: 0.07,
    rendition: 'hd',
    uplinkKbps: 2500,
    cacheBytes: 1024 * MB,
    startupMedianMs: 2400,
    sessionMedianMin: 50,
    stallsPerMin: 0.05,
    stallMedianMs: 2200,
    modeFactor: { off: 1, download: 0.95, full: 1.25 },
    fatalPerSession: 0.012,
    versions: ['2.8.4', '2.7.9'],
  },
  {
    cls: 'desktop',
    share: 0.15,
    rendition: 'hd',
    uplinkKbps: 10000,
    cacheBytes: 256 * MB,
    startupMedianMs: 1200,
    sessionMedianMin: 24,
    stallsPerMin: 0.03,
    stallMedianMs: 1200,
    modeFactor: { off: 1, download: 0.9, full: 0.95 },
    fatalPerSession: 0.004,
    versions: ['9.4.1', '9.4.0', '9.3.7'],
  },
  {
    cls: 'mobile',
    share: 0.22,
    rendition: 'sd',
    uplinkKbps: 700,
    cacheBytes: 64 * MB,
    startupMedianMs: 1700,
    sessionMedianMin: 11,
    stallsPerMin: 0.08,
    stallMedianMs: 2600,
    modeFactor: { off: 1, download: 1.0, full: 1.5 },
    fatalPerSession: 0.008,
    versions: ['6.20.0', '6.19.2'],
  },
  {
    cls: 'tablet',
    share: 0.08,
    rendition: 'hd',
    uplinkKbps: 1500,
    cacheBytes: 128 * MB,
    startupMedianMs: 1500,
    sessionMedianMin: 21,
    stallsPerMin: 0.05,
    stallMedianMs: 1900,
    modeFactor: { off: 1, download: 0.95, full: 1.2 },
    fatalPerSession: 0.005,
    versions: ['6.20.0', '6.19.2'],
  },
];

export const LADDERS: Record<DeviceProfile['rendition'], readonly number[]> = {
  uhd: [3000, 6000, 9000],
  hd: [1500, 3000, 5000],
  sd: [600, 1200, 2000],
};

export const FATAL_CODES = [
  'MEDIA_ERR_DECODE',
  'manifestLoadError',
  'fragLoadError',
  'bufferAppendError',
  'keySystemError',
] as const;

/** Titles with Zipf popularity (s ≈ 1): the head titles make the big swarms. */
export interface Title {
  id: string;
  weight: number;
}
export function catalog(n = 40, s = 1.1): Title[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `title-${String(i + 1).padStart(3, '0')}`,
    weight: 1 / (i + 1) ** s,
  }));
}

/** Viewing intensity by local hour (evening peak = 1). */
const HOURLY = [
  0.25, 0.15, 0.1, 0.07, 0.06, 0.07, 0.12, 0.2, 0.25, 0.28, 0.3, 0.33, 0.38, 0.38, 0.36, 0.38, 0.45, 0.55, 0.72, 0.9,
  1.0, 0.95, 0.75, 0.45,
];
export function dailyCurve(utcMs: number, tzHours: number): number {
  const h = (((utcMs / 3_600_000 + tzHours) % 24) + 24) % 24;
  const i = Math.floor(h);
  const f = h - i;
  return HOURLY[i]! * (1 - f) + HOURLY[(i + 1) % 24]! * f;
}

/** Fault on purpose: this swarm's tracker fails for 20 minutes every 2 hours; its peers fall back to the CDN. */
export const COLLAPSING_SWARM = 'title-002/uhd';
export function swarmCollapsed(swarmId: string, t: number): boolean {
  return swarmId === COLLAPSING_SWARM && t % 7_200_000 >= 3_000_000 && t % 7_200_000 < 4_200_000;
}

/** The device's stable rollout bucket 0 … 9999. */
export function bucketOf(deviceId: string, salt = 'sim'): number {
  return hash32(`${salt}:${deviceId}`) % 10_000;
}

interface StaticRule {
  mode: Exclude<P2pMode, 'off'>;
  percent: number;
  holdback: number;
  capKbps: number;
  maxPeers: number;
}

/**
 * Used only while the console's OFREP endpoint does not answer (logged as such): a plausible fleet
 * config so P2P shows at all. Once OFREP answers, players obey it.
 */
const STATIC_RULES: Record<DeviceClass, StaticRule> = {
  smart_tv: { mode: 'full', percent: 80, holdback: 10, capKbps: 6000, maxPeers: 20 },
  streaming_stick: { mode: 'full', percent: 70, holdback: 10, capKbps: 3000, maxPeers: 15 },
  game_console: { mode: 'full', percent: 80, holdback: 10, capKbps: 8000, maxPeers: 25 },
  set_top_box: { mode: 'download', percent: 60, holdback: 10, capKbps: 0, maxPeers: 10 },
  desktop: { mode: 'full', percent: 70, holdback: 10, capKbps: 5000, maxPeers: 20 },
  mobile: { mode: 'download', percent: 50, holdback: 10, capKbps: 0, maxPeers: 8 },
  tablet: { mode: 'download', percent: 60, holdback: 10, capKbps: 0, maxPeers: 10 },
};

function fromRule(deviceId: string, cls: DeviceClass, percentScale: number, configVersion: number): P2pSettings {
  const rule = STATIC_RULES[cls];
  const b = bucketOf(deviceId);
  const pct = rule.percent * percentScale;
  if (b < pct * 100) {
    return {
      p2pMode: rule.mode,
      cohort: 'p2p',
      configVersion,
      uploadCapKbps: rule.mode === 'full' ? rule.capKbps : 0,
      maxPeers: rule.maxPeers,
      source: 'fallback',
    };
  }
  const cohort = b >= 10_000 - rule.holdback * 100 ? 'control' : 'off';
  return { p2pMode: 'off', cohort, configVersion, uploadCapKbps: 0, maxPeers: 0, source: 'fallback' };
}

export function staticSettings(deviceId: string, cls: DeviceClass): P2pSettings {
  return fromRule(deviceId, cls, 1, 0);
}

/**
 * The rollout history the 7-day backfill plays: P2P ramped from a fifth of the static rules' reach a
 * week ago to all of it now, one config version per day.
 */
export function historicalSettings(deviceId: string, cls: DeviceClass, t: number, now: number): P2pSettings {
  const daysAgo = Math.max(0, (now - t) / 86_400_000);
  const scale = Math.max(0.2, 1 - daysAgo / 8.75);
  return fromRule(deviceId, cls, scale, Math.max(1, 8 - Math.ceil(daysAgo)));
}

export function pickDevice(rng: Rng): DeviceProfile {
  return rng.weighted(DEVICES, (d) => d.share);
}
