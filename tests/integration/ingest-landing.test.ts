import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exampleReport } from '@/lib/telemetry/example';
import { TelemetryReport } from '@/lib/telemetry/schema';
import { command, query } from '@/server/clickhouse/client';
import { resetIngestConfig } from '@/server/ingest/config';
import { ingestReports } from '@/server/ingest/ingest';
import { ingestWriter, resetIngestWriter } from '@/server/ingest/writer';
import { withFreshStore } from '../helpers/store';

/*
 * Landing: every batch is acknowledged once it is in ingest_landing (SWARMDECK_INGEST_LANDING=always), and
 * moves wait a minute unless asked for, so the test sees the state between the answer and the move. The
 * figures a user reads (telemetry_raw, flows, the id index, a dashboard rollup) are compared with sums
 * over the reports the test sent.
 */
withFreshStore({ SWARMDECK_INGEST_LANDING: 'always', SWARMDECK_INGEST_MOVE_LINGER_MS: '60000' });

const Figures = z.object({
  raw: z.coerce.number(),
  cdn: z.coerce.number(),
  flows: z.coerce.number(),
  ids: z.coerce.number(),
  dashReports: z.coerce.number(),
  dashCdn: z.coerce.number(),
  landed: z.coerce.number(),
});

async function figures(prefix: string) {
  const [f] = await query(
    `SELECT
       (SELECT count() FROM telemetry_raw WHERE startsWith(report_id, {p:String})) AS raw,
       (SELECT sum(bytes_cdn) FROM telemetry_raw WHERE startsWith(report_id, {p:String})) AS cdn,
       (SELECT count() FROM telemetry_flows WHERE startsWith(report_id, {p:String})) AS flows,
       (SELECT uniqExact(report_id) FROM ingest_report_ids WHERE startsWith(report_id, {p:String})) AS ids,
       (SELECT sum(reports) FROM dash_totals_1m WHERE device_class = {c:String}) AS dashReports,
       (SELECT sum(bytes_cdn) FROM dash_totals_1m WHERE device_class = {c:String}) AS dashCdn,
       (SELECT count() FROM ingest_landing WHERE startsWith(report_id, {p:String})) AS landed`,
    { p: `${prefix}-`, c: CLASS[prefix] },
    Figures,
  );
  return f!;
}

let serial = 0;
/** Each test's own device class, so the dashboard rollup can be read for its reports alone. */
const CLASS: Record<string, string> = { landa: 'desktop', landb: 'mobile' };
function make(prefix: string, n: number): TelemetryReport[] {
  return Array.from({ length: n }, () => {
    const i = serial++;
    return TelemetryReport.parse(
      exampleReport({
        reportId: `${prefix}-${String(i).padStart(6, '0')}`,
        deviceClass: CLASS[prefix],
        bytes: { cdn: 100 + (i % 7), p2pDown: 500, p2pUp: 200 },
      }),
    );
  });
}
const expected = (reports: TelemetryReport[]) => ({
  raw: reports.length,
  cdn: reports.reduce((s, r) => s + r.bytes.cdn, 0),
  flows: reports.reduce((s, r) => s + new Set((r.flows ?? []).map((f) => f.peerAsn)).size, 0),
  ids: reports.length,
  dashReports: reports.length,
  dashCdn: reports.reduce((s, r) => s + r.bytes.cdn, 0),
  landed: 0,
});
const send = (reports: TelemetryReport[]) => ingestReports(reports, { keyId: 'landing-test', trustedRelay: false });

describe('landing: acknowledged once landed, moved into every view exactly once', () => {
  it('answers after the landing insert, catches duplicates before the move, and the move fills every figure', async () => {
    resetIngestConfig();
    await resetIngestWriter();
    const w = ingestWriter();
    const reports = make('landa', 900);
    for (let i = 0; i < reports.length; i += 300)
      expect(await send(reports.slice(i, i + 300))).toEqual({ accepted: 300, duplicates: 0 });

    // acknowledged, durable in the landing table, not moved yet
    const before = await figures('landa');
    expect(before).toMatchObject({ raw: 0, flows: 0, ids: 0, landed: 900 });
    expect(w.landedRows).toBe(900);
    expect(w.spans.landed).toBe(3);

    // a retry of landed reports is a duplicate (the writer's memory; the index does not have them yet)
    const extra = make('landa', 10);
    expect(await send([...reports.slice(0, 50), ...extra])).toEqual({ accepted: 10, duplicates: 50 });
    const all = [...reports, ...extra];

    await w.recoverLanded();
    expect(w.landedRows).toBe(0);
    expect(await figures('landa')).toEqual(expected(all));
  });

  it('a move that committed before its batches were dropped is not counted twice (restart, failed drop)', async () => {
    resetIngestConfig();
    await resetIngestWriter();
    const w = ingestWriter();
    const reports = make('landb', 400);
    expect(await send(reports)).toEqual({ accepted: 400, duplicates: 0 });
    await w.recoverLanded();
    expect(await figures('landb')).toEqual(expected(reports));

    // The state a crash between a move and its DROP PARTITION leaves: the moved rows still landed. Half of a
    // second batch is there too, as if its move had committed only part (a block per day of `ts`).
    const second = make('landb', 200);
    expect(await send(second)).toEqual({ accepted: 200, duplicates: 0 });
    await command(
      `INSERT INTO telemetry_raw SELECT * EXCEPT land_seq FROM ingest_landing
       WHERE startsWith(report_id, 'landb-') AND toUInt64(substring(report_id, 7)) % 2 = 0`,
    );
    await command(
      "INSERT INTO ingest_landing SELECT 7, * FROM telemetry_raw WHERE startsWith(report_id, 'landb-') AND report_id IN {ids:Array(String)}",
      { ids: reports.map((r) => r.reportId) },
    );
    // a restarted writer knows nothing of it: it reads the landing table and moves what is missing only
    await resetIngestWriter();
    const again = ingestWriter();
    expect(await send(reports.slice(0, 20))).toEqual({ accepted: 0, duplicates: 20 });
    // every figure once: the re-landed first batch left out whole, the second batch's missing half moved
    expect(await figures('landb')).toEqual(expected([...reports, ...second]));
    expect(again.landedRows).toBe(0);
  });
});
