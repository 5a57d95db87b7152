import { z } from 'zod';
import { QOE_SOURCES } from '@/lib/qoe-source';
import { query } from '../clickhouse/client';
import { CmcdSpanSql } from '../clickhouse/queries/cmcd';
import { noteStoredSpan, storedSpan } from './store';
import { processSlot } from '../core/rate-limit';

/**
 * CMCD sessions in the QoE figures. A session's events become telemetry-shaped intervals at query time:
 * the interval that ends at an event lasts from the previous event (capped at 5 min, the longest
 * telemetry interval) and is spent in the play state last reported before it, at the bitrate last
 * reported before it. So `play_ms`, `rebuffer_ms` and `bitrate_kbps × play_ms` sum exactly like telemetry
 * reports, and a late or out-of-order batch still lands in the right interval.
 *
 * - startup: `msd` when the player sent it, else first `p` − first `s` (CTA-5004-B: "the time difference
 *   between the starting and playing states"), counted once, at the first `p` event; > 10 min is dropped
 *   (the telemetry contract's bound);
 * - failure: the session reached `sta=f`; the error code is the first `ec` on that event;
 * - no bytes: CMCD carries no CDN / P2P split, so CMCD rows never reach a byte figure (`p2p_mode` 'off').
 *
 * `all` = SDK sessions + CMCD sessions that sent no SDK report within 6 h of the window (joined by session
 * id: the SDK wins every figure for a session that reported both); `cmcd` = every CMCD session.
 */

export { QOE_SOURCES };
export const QoeSource = z.enum(QOE_SOURCES);
export type QoeSource = z.infer<typeof QoeSource>;

export { qoeSourceFor } from '../clickhouse/queries/cmcd';

const SPAN_TTL_MS = 10_000;
const holder = processSlot<number>('cmcd.span-read');

/**
 * Whether any CMCD event may fall in [lo, hi) ms. Without CMCD data the `all` figure is the SDK figure and
 * runs the very query it ran before (no UNION, no raw-table join): the span of stored events is read at
 * most every 10 s (other processes writing into a shared server) and widened at once by local inserts.
 */
export async function cmcdMayOverlap(lo: number, hi: number): Promise<boolean> {
  const at = holder.value ?? 0;
  if (Date.now() - at > SPAN_TTL_MS) {
    holder.value = Date.now();
    const [r] = await query(CmcdSpanSql);
    if (r && r.n > 0) noteStoredSpan(r.lo, r.hi);
  }
  const span = storedSpan();
  return span !== undefined && span.min < hi && span.max >= lo;
}
