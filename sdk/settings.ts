import type { P2pMode, PlaybackConfig } from './report';

/** The P2P settings a client obeys (rollout contract v1 flags), with where they came from. */
export interface P2pSettings extends PlaybackConfig {
  uploadCapKbps: number;
  maxPeers: number;
  /** 'ofrep' when the rollout endpoint answered; 'fallback' when the static defaults were used. */
  source: 'ofrep' | 'fallback';
  reason?: string;
}

export const FLAG_KEYS = { mode: 'p2p-mode', uploadCap: 'p2p-upload-cap-kbps', maxPeers: 'p2p-max-peers' } as const;

/** The rollout contract's safe default: CDN only. */
export const OFF_SETTINGS: P2pSettings = {
  p2pMode: 'off',
  cohort: 'off',
  configVersion: 0,
  uploadCapKbps: 0,
  maxPeers: 0,
  source: 'fallback',
};

interface Details<T> {
  value: T;
  reason?: string;
  errorCode?: string;
  errorMessage?: string;
  flagMetadata?: Readonly<Record<string, string | number | boolean>>;
}

/** Builds settings from three OpenFeature evaluation details; undefined when the mode flag failed. */
export function settingsFromDetails(
  mode: Details<string>,
  cap: Details<number>,
  peers: Details<number>,
): P2pSettings | undefined {
  if (mode.errorCode) return undefined;
  const p2pMode: P2pMode = mode.value === 'full' || mode.value === 'download' ? mode.value : 'off';
  const meta = mode.flagMetadata ?? {};
  const configVersion = Number(meta.configVersion);
  return {
    p2pMode,
    cohort:
      typeof meta.cohort === 'string' && meta.cohort ? meta.cohort.slice(0, 32) : p2pMode === 'off' ? 'off' : 'p2p',
    configVersion: Number.isInteger(configVersion) && configVersion >= 0 ? configVersion : 0,
    uploadCapKbps: p2pMode === 'full' && !cap.errorCode ? Math.max(0, cap.value) : 0,
    maxPeers: p2pMode === 'off' || peers.errorCode ? 0 : Math.max(0, peers.value),
    source: 'ofrep',
    reason: mode.reason,
  };
}
