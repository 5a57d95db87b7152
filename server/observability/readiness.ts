import { serverVersion } from '../clickhouse/client';
import { migrationStatus } from '../clickhouse/migrate';
import { peekSnapshot } from '../rollout/snapshot';
import { restoreInProgress } from '../store/maintenance';

type Check = 'ok' | 'unavailable' | 'pending' | 'not_loaded' | 'restoring';

export interface Readiness {
  ready: boolean;
  checks: { store: Check; migrations: Check; rollouts: Check };
  /** raw reasons, shown to admins only */
  details: string[];
}

const STORE_PROBE_MS = 3_000;

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

/**
 * For a load balancer: may this process take traffic? The store answers a query, no migration is
 * pending, the rollout snapshot (what OFREP answers from) is loaded, and no restore is running.
 */
export async function readiness(): Promise<Readiness> {
  const details: string[] = [];
  const checks: Readiness['checks'] = { store: 'ok', migrations: 'ok', rollouts: 'ok' };
  if (restoreInProgress()) {
    checks.store = 'restoring';
    details.push('a restore is running');
  } else {
    try {
      await within(serverVersion(), STORE_PROBE_MS);
    } catch (err) {
      checks.store = 'unavailable';
      details.push(`store: ${(err as Error).message}`);
    }
  }
  if (checks.store === 'ok') {
    try {
      const m = await within(migrationStatus(), STORE_PROBE_MS);
      if (m.pending > 0) {
        checks.migrations = 'pending';
        details.push(`${m.pending} migration(s) pending: ${m.pendingFiles.join(', ')}`);
      }
    } catch (err) {
      checks.migrations = 'unavailable';
      details.push(`migrations: ${(err as Error).message}`);
    }
  } else checks.migrations = 'unavailable';
  if (!peekSnapshot()) {
    checks.rollouts = 'not_loaded';
    details.push('the rollout snapshot is not loaded yet');
  }
  return { ready: Object.values(checks).every((c) => c === 'ok'), checks, details };
}
