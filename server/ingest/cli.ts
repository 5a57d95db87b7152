import { z } from 'zod';
import { query } from '../clickhouse/client';
import {
  CountRow,
  INGEST_TABLES,
  OffloadLastHourSql,
  RunningMergesSql,
  tableRowCountSql,
} from '../clickhouse/queries/ingest';
import { defineCommand } from '../cli/commands';
import { ingestWriter } from './writer';

/**
 * `ingest:stats`: row counts of the ingestion tables, the last hour's offload per minute (the shape of a
 * dashboard query), or the engine's running merges. Runs in the server when it holds the store (the
 * benchmark times the query there, and waits for a burst's merges before timing it idle).
 */
export const ingestStatsCommand = defineCommand({
  description:
    'row counts of telemetry_raw / telemetry_flows / ingest_report_ids, the last hour of offload, or the running merges',
  args: z.object({ query: z.enum(['counts', 'offload', 'merges']).default('counts') }).loose(),
  async run(args) {
    if (args.query === 'offload') {
      const rows = await query(OffloadLastHourSql);
      return [`${rows.length} minute(s)`];
    }
    if (args.query === 'merges') {
      const [r] = await query(RunningMergesSql);
      return [`merges: ${r!.n}`];
    }
    const out: string[] = [];
    for (const t of INGEST_TABLES) {
      const [r] = await query(tableRowCountSql(t), {}, CountRow);
      out.push(`${t}: ${r!.n}`);
    }
    const w = ingestWriter().spans;
    const pre = ingestWriter().preload;
    out.push(
      `writer: ${w.batches} inserts of ${w.batches ? Math.round(w.rows / w.batches) : 0} rows on average, ${Math.round(w.insertMs)} ms inserting, ${w.lookups} store look-ups of ${w.lookedUpIds} ids taking ${Math.round(w.lookupMs)} ms`,
    );
    out.push(
      `landing: ${w.landed} batches landed, ${w.moves} moves of ${w.moves ? Math.round(w.movedRows / w.moves) : 0} rows on average taking ${Math.round(w.moveMs)} ms, ${ingestWriter().landedRows} rows waiting`,
    );
    out.push(`preload: ${pre.state}, ${pre.ids} stored ids read into the filters in ${Math.round(pre.ms)} ms`);
    return out;
  },
});
