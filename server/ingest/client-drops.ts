import { z } from 'zod';
import { insert, query } from '../clickhouse/client';
import { ClientDropTotalsSql, DROPS_TABLE } from '../clickhouse/queries/ingest';

/**
 * Reports a client had to drop (older than the 24 h dedup window, or pushed out of a full buffer)
 * never reach the server, so the client counts them and carries the counts in its next delivered
 * report as `clientDropped: {"expired": n, "overflow": n}` — a field beside the contract's report, which
 * other servers ignore as an unknown field. Stored one row per carrying report, keyed by reportId, so a
 * resent copy of the report replaces its row instead of counting again.
 */

const Count = z.number().int().min(0).max(1_000_000);
export const ClientDropped = z.object({ expired: Count.default(0), overflow: Count.default(0) });
export type ClientDropped = z.infer<typeof ClientDropped>;

/** The counts a raw report carries, or null (absent or malformed: ignored like any unknown field). */
export function clientDroppedOf(raw: unknown): ClientDropped | null {
  const v = (raw as { clientDropped?: unknown } | null)?.clientDropped;
  if (v === undefined) return null;
  const r = ClientDropped.safeParse(v);
  return r.success && r.data.expired + r.data.overflow > 0 ? r.data : null;
}

export interface DropRow {
  reportId: string;
  deviceClass: string;
  dropped: ClientDropped;
}

export async function storeClientDrops(keyId: string, rows: readonly DropRow[], now = Date.now()): Promise<void> {
  if (!rows.length) return;
  await insert(
    DROPS_TABLE,
    rows.map((r) => ({
      report_id: r.reportId,
      ingest_key_id: keyId,
      received_at: now,
      device_class: r.deviceClass,
      expired: r.dropped.expired,
      overflow: r.dropped.overflow,
    })),
  );
}

/** Per ingest key: reports its clients dropped, as they told us over the last `days` days. */
export async function clientDropTotals(days = 7): Promise<Map<string, ClientDropped>> {
  const list = await query(ClientDropTotalsSql, { days: Math.min(90, Math.max(1, Math.trunc(days))) });
  return new Map(list.map((r) => [r.key_id, { expired: r.expired, overflow: r.overflow }]));
}
