// Browser-safe entry of the Swarmdeck player SDK (no Node-only APIs). Node extras: ./node.ts.
export { createReporter, DEFAULT_CONFIG, type Reporter, type ReporterOptions } from './reporter';
export { SessionCounters } from './session';
export {
  Transport,
  backoffDelay,
  parseRetryAfter,
  KEEPALIVE_BUDGET,
  type Compressor,
  type FetchLike,
  type OutgoingReport,
  type TransportOptions,
  type TransportStats,
  type DropReason,
} from './transport';
export {
  webStorageStore,
  memoryStore,
  type ReportStore,
  type StoredEntry,
  type StoredState,
  type DroppedCounts,
} from './persist';
export {
  attachSwarmdeck,
  type AttachOptions,
  type AppliedSettings,
  type HlsWithP2p,
  type P2pEngineControl,
  type SwarmdeckHandle,
} from './attach';
export {
  PlayerAdapter,
  HLS_EVENTS,
  type AdapterOptions,
  type HlsLike,
  type MediaLike,
  type P2pEngineLike,
} from './adapter';
export { createWebFlags, type WebFlags, type WebFlagsOptions } from './flags-web';
export { FLAG_KEYS, OFF_SETTINGS, settingsFromDetails, type P2pSettings } from './settings';
export {
  randomId,
  type DeviceClass,
  type Flow,
  type P2pMode,
  type PlaybackConfig,
  type SessionInfo,
  type TelemetryReport,
} from './report';
