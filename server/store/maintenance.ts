import { processSingleton } from '../core/rate-limit';

/**
 * Whether the store is being restored. While it is, telemetry answers 503 + Retry-After (nothing may be
 * acknowledged into tables that are about to be replaced) and readiness says not ready. Kept on
 * globalThis: the restore runs in server.ts's module copy, telemetry in Next's bundle.
 */
const state = () => processSingleton('store.maintenance', () => ({ restoring: false }));

export function restoreInProgress(): boolean {
  return state().restoring;
}

export function setRestoring(on: boolean): void {
  state().restoring = on;
}

/** Seconds a client should wait before retrying while a restore runs. */
export const RESTORE_RETRY_AFTER_SEC = 30;
