/**
 * The report the SDK sends: the telemetry contract v1 type, taken from the console's own zod schema
 * (type-only import, so the browser bundle carries no zod).
 */
import type { DeviceClass, P2pMode, TelemetryReport } from '../lib/telemetry/schema';

export type { DeviceClass, P2pMode, TelemetryReport };
export type Flow = NonNullable<TelemetryReport['flows']>[number];

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
