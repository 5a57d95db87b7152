import { z } from 'zod';
import { query } from '../clickhouse/client';
import { defineCommand } from '../cli/commands';
import { ingestWriter } from './writer';

/**
 * `ingest:stats`: row counts of the ingestion tables and the last hour's offload per minute (the
 * shape of a dashboard query). Runs in the server when it holds the store (the benchmark times it there).
 */
export const OFFLOAD_LAST_HOUR = `SELECT toStartOfMinute(ts) AS minute,
  sum(bytes_p2p_down) / greatest(sum(bytes_p2p_down) + sum(bytes_cdn), 1) AS offload
FROM telemetry_raw WHERE ts >= now() - INTERVAL 1 HOUR GROUP BY minute ORDER BY minute`;

export const ingestStatsCommand = defineCommand({
  description: 'row counts of telemetry_raw / telemetry_flows / ingest_report_ids and the last hour of offload',
  args: z.object({ query: z.enum(['counts', 'offload']).default('counts') }).loose(),
  async run(args) {
    if (args.query === 'offload') {
      const rows = await query(OFFLOAD_LAST_HOUR, {}, z.object({ minute: z.string(), offload: z.coerce.number() }));
      return [`${rows.length} minute(s)`];
    }
    const N = z.object({ n: z.coerce.number() });
    const out: string[] = [];
    for (const t of ['telemetry_raw', 'telemetry_flows', 'ingest_report_ids'] as const) {
      const [r] = await query(`SELECT count() AS n FROM ${t}`, {}, N);
      out.push(`${t}: ${r!.n}`);
    }
    const w = ingestWriter().spans;
    out.push(
      `writer: ${w.batches} inserts of ${w.batches ? Math.round(w.rows / w.batches) : 0} rows on average, ${Math.round(w.insertMs)} ms inserting, ${w.lookups} store look-ups taking ${Math.round(w.lookupMs)} ms`,
    );
    return out;
  },
});
