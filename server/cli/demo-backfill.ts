// `demo:backfill`: the last N days of simulated fleet data through the ingestion pipeline's own
// validation, enrichment and writer, in the process that holds the store (no HTTP, so the contract's
// 7-day age limit applies to the reports, not to a request's round trip).
import { z } from 'zod';
import { parseReport, type TelemetryReport } from '../../lib/telemetry/schema';
import { migrate } from '../clickhouse/migrate';
import { query } from '../clickhouse/client';
import { ReceivedSinceSql, ReportsOlderThanADaySql } from '../clickhouse/queries/ingest';
import { defineCommand } from './commands';
import { lookupIp } from '../ingest/geo';
import { ingestReports } from '../ingest/ingest';
import { runBackfill } from '../../sim/backfill';

const MAX_SPAN_MS = 7 * 86_400_000 - 20 * 60_000;

function bar(fraction: number, width = 30): string {
  const n = Math.round(fraction * width);
  return `[${'#'.repeat(n)}${'-'.repeat(width - n)}] ${(fraction * 100).toFixed(0).padStart(3)} %`;
}

export const demoBackfillCommand = defineCommand({
  description:
    'fill the last --days N (default 7) with simulated fleet data through the ingestion pipeline (validation, enrichment, writer; no HTTP)',
  args: z
    .object({
      days: z.coerce.number().positive().max(7).default(7),
      concurrency: z.coerce.number().int().min(1).max(20_000).default(300),
      seed: z.coerce.number().int().default(7),
      force: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(false),
    })
    .loose(),
  async run({ days, concurrency, seed, force }) {
    await migrate();
    // A second `npm run demo -- --backfill 7d` on the same store would double the history.
    const [old] = await query(ReportsOlderThanADaySql);
    if (old!.n > 0 && !force) {
      return [
        `the store already holds ${old!.n.toLocaleString('en')} reports older than a day: backfill skipped (--force to add more)`,
      ];
    }
    const spanMs = Math.min(MAX_SPAN_MS, days * 86_400_000);
    const tty = process.stderr.isTTY;
    let shown = -1;
    const started = Date.now();
    const tally = await runBackfill({
      spanMs,
      concurrency,
      seed,
      countryOfIp: (ip) => lookupIp(ip).country,
      async sink(batch) {
        const valid: TelemetryReport[] = [];
        const ipOf = new Map<TelemetryReport, string>();
        const rejectedIds = new Set<string>();
        for (const { report, ip } of batch) {
          const r = parseReport(report);
          if (!r.ok) {
            rejectedIds.add(report.reportId);
            continue;
          }
          valid.push(r.report);
          ipOf.set(r.report, ip);
        }
        await ingestReports(valid, {
          keyId: 'demo-backfill',
          trustedRelay: false,
          geo: (r) => lookupIp(ipOf.get(r) ?? ''),
        });
        return { rejectedIds };
      },
      progress(f, t) {
        const pct = Math.floor(f * 100);
        if (tty) {
          if (pct !== shown)
            process.stderr.write(`\rbackfill ${bar(f)} ${t.generated.reports.toLocaleString('en')} reports`);
        } else if (pct % 10 === 0 && pct !== shown) {
          process.stderr.write(`backfill ${bar(f)} ${t.generated.reports.toLocaleString('en')} reports\n`);
        }
        shown = pct;
      },
    });
    if (tty) process.stderr.write('\n');
    return [
      `backfilled ${(spanMs / 86_400_000).toFixed(2)} days in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      ...tally.summary().split('\n'),
    ];
  },
});

export const simTotalsCommand = defineCommand({
  description:
    'stored telemetry totals as one JSON line (reports, distinct sessions, bytes per source, newest ts): what the simulator tally is compared with',
  args: z.object({ since: z.coerce.number().int().min(0).default(0) }).loose(),
  async run({ since }) {
    const [t] = await query(ReceivedSinceSql, { since });
    return [JSON.stringify(t)];
  },
});
