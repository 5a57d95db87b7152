/**
 * `npm run bench:reports`: a 30-day report for 50 ISPs at 20 M stored reports, as CSV and as PDF, through
 * the real endpoint handler (auth, compute on the report storage, render, audit). Storage is filled with
 * INSERT … SELECT FROM numbers() into telemetry_raw, so every materialized view fills as in production.
 * Baseline in the same run: the same CSV's figures computed straight from the raw table.
 *
 *   npm run bench:reports [-- --reports 20000000 --isps 50 --runs 3 --keep]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const REPORTS = arg('reports', 20_000_000);
const ISPS = arg('isps', 50);
const RUNS = arg('runs', 3);
const STORED_ASNS = 100; // ASNs in storage; the report asks for ISPS of them
const DAYS = 30;
const TOKEN = 'bench-reports-token-0123456789';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-bench-reports-'));
process.env.SWARMDECK_DATA_DIR = dir;
process.env.SWARMDECK_REPORTS_TOKEN = TOKEN;
process.env.CLICKHOUSE_QUERY_TIMEOUT_MS = String(3_600_000);
delete process.env.CLICKHOUSE_URL;

const { closeStore, command, query } = await import('../server/clickhouse/client');
const { migrate } = await import('../server/clickhouse/migrate');
const { handleReportRequest } = await import('../server/reports/http');
const { formatLine, dayList, startedBuckets } = await import('../server/reports/compute');
const { toCsv } = await import('../server/reports/csv');

const ms = (t0: number) => performance.now() - t0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  await migrate();
  // This store serves only this benchmark: the other areas' views on telemetry_raw (dashboards, the
  // ingestion's flow and dedup tables) are dropped so filling 20 M reports takes minutes, not an hour.
  // The report storage's own views fill exactly as in production.
  const views = await query(
    `SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView' AND name NOT LIKE 'report\\_%'`,
    {},
    z.object({ name: z.string().regex(/^[A-Za-z0-9_]+$/) }),
  );
  for (const v of views) await command(`DROP VIEW ${v.name}`);
  const now = Date.now();
  const today = new Date(now).toISOString().slice(0, 10);
  const from = new Date(now - (DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const startSec = Math.floor(Date.parse(`${from}T00:00:00Z`) / 1000);
  const spanSec = Math.floor((now - 120_000) / 1000) - startSec;

  // 20 reports per session, a session stays in one ASN; two flows per report (a known peer ASN and unknown).
  console.log(`filling: ${REPORTS.toLocaleString('en-US')} reports over ${DAYS} days, ${STORED_ASNS} ASNs …`);
  const t0 = performance.now();
  const CHUNK = 2_000_000;
  for (let off = 0; off < REPORTS; off += CHUNK) {
    const n = Math.min(CHUNK, REPORTS - off);
    await command(
      `INSERT INTO telemetry_raw (report_id, ts, received_at, interval_ms, session_id, device_id, peer_id, device_class, client_version, content_id, swarm_id,
         p2p_mode, cohort, config_version, opt_out, asn, isp, country, bytes_cdn, bytes_p2p_down, bytes_p2p_up, flows_peer_asn, flows_down, flows_up,
         peers_connected, swarm_size, peer_attempts, peer_failures, play_ms, rebuffer_ms, rebuffer_count, startup_ms, bitrate_kbps, fatal_error, cache_bytes, ingest_key_id)
       SELECT
         concat('r', toString(number)) AS report_id,
         toDateTime64({start:UInt32} + ((cityHash64(intDiv(number, 20)) % {span:UInt32}) + (number % 20) * 60) % {span:UInt32}, 3, 'UTC') AS ts,
         now64(3, 'UTC') AS received_at, 60000, concat('s', toString(intDiv(number, 20))) AS session_id, session_id, session_id,
         'smart_tv', '7.12.0', concat('title-', toString(number % 50)), concat('title-', toString(number % 50), '/1080p'),
         'full', 'p2p', 1, 0,
         toUInt32(64500 + intDiv(number, 20) % {asns:UInt32}) AS asn_v, concat('ISP ', toString(asn_v)), 'DE',
         1000000 + cityHash64(number, 1) % 20000000 AS cdn,
         (cityHash64(number, 2) % 8000000) + (cityHash64(number, 3) % 2000000) AS p2p_down,
         (cityHash64(number, 4) % 3000000) + (cityHash64(number, 5) % 1000000) AS p2p_up,
         [toUInt32(64500 + cityHash64(number, 6) % {asns:UInt32}), toUInt32(0)],
         [toUInt64(cityHash64(number, 2) % 8000000), toUInt64(cityHash64(number, 3) % 2000000)],
         [toUInt64(cityHash64(number, 4) % 3000000), toUInt64(cityHash64(number, 5) % 1000000)],
         4, 100, 5, 1, 55000, toUInt32(cityHash64(number, 7) % 5000), 0, NULL, 4500, '', NULL, 'bench'
       FROM numbers({off:UInt64}, {n:UInt64})`,
      { start: startSec, span: spanSec, asns: STORED_ASNS, off, n },
    );
    process.stdout.write(`  ${(off + n).toLocaleString('en-US')} (${(ms(t0) / 1000).toFixed(0)} s)\n`);
  }
  await command('OPTIMIZE TABLE report_asn_5m FINAL').catch(() => {});
  const stored = await query('SELECT count() AS n FROM telemetry_raw', {}, z.object({ n: z.coerce.number() }));
  console.log(`stored ${stored[0]!.n.toLocaleString('en-US')} reports in ${(ms(t0) / 1000).toFixed(1)} s`);

  const asns = Array.from({ length: ISPS }, (_, i) => 64500 + i);
  const qs = new URLSearchParams([...asns.map((a) => ['asn', String(a)]), ['from', from], ['to', today]]);
  const timeFormat = async (format: string) => {
    const times: number[] = [];
    let size = 0;
    let body: Buffer | undefined;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const res = await handleReportRequest(
        new Request(`http://bench/api/v1/reports/isp?${qs}&format=${format}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        }),
      );
      body = Buffer.from(await res.arrayBuffer());
      times.push(ms(t));
      if (res.status !== 200) throw new Error(`${format}: ${res.status} ${body.toString().slice(0, 300)}`);
      size = body.length;
    }
    return { median: median(times), size, body: body! };
  };

  // Baseline: the same daily CSV figures straight from the raw table (what a report would cost without the report storage).
  const baseline = async () => {
    const t = performance.now();
    const rows = await query(
      `SELECT asn, toString(d) AS day, sum(c) AS cdn, sum(pd) AS p2p_down, sum(intra) AS intra, sum(i) AS inn, sum(o) AS out,
              arraySort(groupArrayIf(v, v > 0)) AS sorted, sum(play) AS play, sum(reb) AS reb, length(groupUniqArrayArray(ss)) AS sessions
       FROM (
         SELECT asn, toDate(ts) AS d, toStartOfFiveMinutes(ts) AS b, sum(bytes_cdn) AS c, sum(bytes_p2p_down) AS pd,
                sum(arraySum(arrayMap((x, p) -> if(p = asn, x, 0), flows_down, flows_peer_asn))) AS intra,
                sum(arraySum(arrayMap((x, p) -> if(p != asn AND p != 0, x, 0), flows_down, flows_peer_asn))) AS i,
                sum(arraySum(arrayMap((x, p) -> if(p != asn AND p != 0, x, 0), flows_up, flows_peer_asn))) AS o,
                c + i AS v, sum(play_ms) AS play, sum(rebuffer_ms) AS reb, groupUniqArray(session_id) AS ss
         FROM telemetry_raw
         WHERE asn IN {asns:Array(UInt32)} AND ts >= toDateTime64({from:Date}, 3, 'UTC') AND ts < toDateTime64({to:Date}, 3, 'UTC') + INTERVAL 1 DAY
         GROUP BY asn, d, b)
       GROUP BY asn, d ORDER BY asn, d`,
      { asns, from, to: today },
      z.object({
        asn: z.number(),
        day: z.string(),
        cdn: z.coerce.bigint(),
        p2p_down: z.coerce.bigint(),
        intra: z.coerce.bigint(),
        inn: z.coerce.bigint(),
        out: z.coerce.bigint(),
        sorted: z.array(z.coerce.bigint()),
        play: z.coerce.bigint(),
        reb: z.coerce.bigint(),
        sessions: z.coerce.bigint(),
      }),
    );
    const lines = rows.map((r) => {
      const n = startedBuckets(r.day, Date.now());
      const k = Math.ceil((95 * n) / 100) - (n - r.sorted.length);
      return formatLine(r.day, r.asn, `ISP ${r.asn}`, {
        cdn: r.cdn,
        p2pDown: r.p2p_down,
        intra: r.intra,
        in: r.inn,
        out: r.out,
        peakBucketBytes: k <= 0 ? 0n : r.sorted[k - 1]!,
        sessions: r.sessions,
        playMs: r.play,
        rebufferMs: r.reb,
      });
    });
    return { ms: ms(t), csv: toCsv(lines) };
  };

  const base = [] as number[];
  let baseCsv = '';
  for (let i = 0; i < RUNS; i++) {
    const b = await baseline();
    base.push(b.ms);
    baseCsv = b.csv;
  }
  const csv = await timeFormat('csv');
  const pdf = await timeFormat('pdf');
  const same = csv.body.toString() === baseCsv;
  const baseMs = median(base);
  const days = dayList(from, today).length;
  console.log(
    `\n30-day report, ${ISPS} ISPs (${ISPS * days} rows), ${stored[0]!.n.toLocaleString('en-US')} stored reports, median of ${RUNS}:`,
  );
  console.log(`  baseline (same CSV figures from telemetry_raw): ${baseMs.toFixed(0)} ms`);
  console.log(
    `  CSV  ${csv.median.toFixed(0).padStart(6)} ms  ${(csv.size / 1024).toFixed(0)} KiB  ${(baseMs / csv.median).toFixed(1)}× faster than baseline  target ≤ 2000 ms: ${csv.median <= 2000 ? 'PASS' : 'FAIL'}`,
  );
  console.log(
    `  PDF  ${pdf.median.toFixed(0).padStart(6)} ms  ${(pdf.size / 1024).toFixed(0)} KiB  ${(baseMs / pdf.median).toFixed(1)}× baseline                target ≤ 5000 ms: ${pdf.median <= 5000 ? 'PASS' : 'FAIL'}`,
  );
  console.log(`  CSV equals the raw-table computation: ${same ? 'yes' : 'NO'}`);
  if (!same || csv.median > 2000 || pdf.median > 5000) process.exitCode = 1;
} finally {
  await closeStore();
  if (!process.argv.includes('--keep')) fs.rmSync(dir, { recursive: true, force: true });
  else console.log(`data kept in ${dir}`);
}
