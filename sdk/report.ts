/**
 * The report the SDK sends: telemetry contract v1 (shared/spec/telemetry-v1.md), written out here so
 * the published package carries it in its own declarations and imports nothing of the console.
 * sdk/contract-types.test.ts keeps it identical to the console's zod schema type.
 */
export type DeviceClass =
  'smart_tv' | 'streaming_stick' | 'game_console' | 'set_top_box' | 'desktop' | 'mobile' | 'tablet';
export type P2pMode = 'off' | 'download' | 'full';

export interface Flow {
  peerAsn: number;
  down: number;
  up: number;
}

export interface TelemetryReport {
  reportId: string;
  sessionId: string;
  deviceId: string;
  peerId: string;
  ts: number;
  intervalMs: number;
  deviceClass: DeviceClass;
  clientVersion: string;
  contentId: string;
  swarmId: string;
  p2pMode: P2pMode;
  cohort: string;
  configVersion: number;
  optOut?: boolean;
  bytes: { cdn: number; p2pDown: number; p2pUp: number };
  flows?: Flow[];
  peers: { connected: number; swarmSize: number; attempts: number; failures: number };
  qoe: {
    playMs: number;
    rebufferMs: number;
    rebufferCount: number;
    startupMs?: number;
    bitrateKbps: number;
    fatalError?: string;
  };
  storage?: { cacheBytes?: number };
  asn?: number;
}

/** Identity of one playback session; `sessionId` and `peerId` are generated when omitted. */
export interface SessionInfo {
  deviceId: string;
  deviceClass: DeviceClass;
  clientVersion: string;
  contentId: string;
  swarmId: string;
  sessionId?: string;
  peerId?: string;
  optOut?: boolean;
}

/** What the client runs, as decided by its rollout evaluation (see flags). */
export interface PlaybackConfig {
  p2pMode: P2pMode;
  cohort: string;
  configVersion: number;
}

export const MAX_FLOWS = 64;
export const MAX_INTERVAL_MS = 300_000;
export const DEDUP_WINDOW_MS = 24 * 3_600_000;

/** A random id of [A-Za-z0-9_-] (a UUID where the platform has one). */
export function randomId(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
