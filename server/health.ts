import { serverVersion, storeMode } from './clickhouse/client';
import { migrationStatus } from './clickhouse/migrate';

export interface Health {
  status: 'ok' | 'unavailable';
  clickhouse: { mode: 'embedded' | 'server'; version: string | null };
  migrations: { applied: number; pending: number };
  reason?: string;
}

/**
 * Ready means: the store answers and no migration is pending. The store's own error text (it can name
 * the data directory) goes to admins only (`detailed`); anonymous callers get a plain reason.
 */
export async function health(opts: { detailed?: boolean } = {}): Promise<{ httpStatus: 200 | 503; body: Health }> {
  const mode = storeMode();
  try {
    const [version, m] = await Promise.all([serverVersion(), migrationStatus()]);
    const body: Health = {
      status: m.pending === 0 ? 'ok' : 'unavailable',
      clickhouse: { mode, version },
      migrations: { applied: m.applied, pending: m.pending },
    };
    if (m.pending > 0)
      body.reason = `${m.pending} migration(s) pending: ${m.pendingFiles.join(', ')}; run npm run migrate`;
    return { httpStatus: m.pending === 0 ? 200 : 503, body };
  } catch (err) {
    return {
      httpStatus: 503,
      body: {
        status: 'unavailable',
        clickhouse: { mode, version: null },
        migrations: { applied: 0, pending: 0 },
        reason: opts.detailed
          ? (err as Error).message
          : 'The store does not answer; an admin sees the cause here, and the server log has it.',
      },
    };
  }
}
