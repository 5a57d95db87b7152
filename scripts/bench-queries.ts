/**
 * Dashboard query benchmark: `npm run bench:queries [-- --reports 20000000 --runs 15 --raw-runs 5]`.
 *
 * Writes N synthetic reports straight into storage (INSERT … SELECT FROM numbers() into telemetry_raw,
 * so every materialized view fills exactly as with real ingestion) in a fresh temporary data directory,
 * then times every dashboard procedure for the last 24 h and 7 d — p50/p95 over repeated runs — next to
 * the very same figure computed from the raw table in the same run, and prints the speed-up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    reports: { type: 'string', default: '20000000' },
    runs: { type: 'string', default: '15' },
    'raw-runs': { type: 'string', default: '5' },
    'data-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
    /** Time an existing --data-dir again without reloading it (its reports age with the clock). */
    reuse: { type: 'boolean', default: false },
  },
});
const N = Number(values.reports);
const RUNS = Number(values.runs);
const RAW_RUNS = Number(values['raw-runs']);
if (!Number.isInteger(N) || N < 1000) throw new Error('--reports must be an integer ≥ 1000');

const dir = values['data-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-bench-queries-'));
process.env.SWARMDECK_DATA_DIR = dir;
// Loading millions of rows per statement takes longer than an interactive query's timeout.
process.env.CLICKHOUSE_QUERY_TIMEOUT_MS = '3600000';
delete process.env.CLICKHOUSE_URL;

const { command, closeStore, query } = await import('../server/clickhouse/client');
const { migrate } = await import('../server/clickhouse/migrate');
const { FIGURES } = await import('../server/dashboards/service');
const { z } = await import('zod');

const DAY = 86_400_000;
const REPORTS_PER_SESSION = 60;
const CHUNK = 1_000_000;

/**
 * One synthetic report per `number`: sessions of 60 reports 30 s apart, started uniformly over the last
 * 7 days; titles and ISPs skewed (a few large, many small), 7 device classes, 20 % control cohort.
 */
const INSERT = `
INSERT INTO telemetry_raw (report_id, ts, received_at, interval_ms, session_id, device_id, peer_id, device_class,
  client_version, content_id, swarm_id, p2p_mode, cohort, config_version, opt_out, asn, isp, country,
  bytes_cdn, bytes_p2p_down, bytes_p2p_up, flows_peer_asn, flows_down, flows_up, peers_connected, swarm_size,
  peer_attempts, peer_failures, play_ms, rebuffer_ms, rebuffer_count, startup_ms, bitrate_kbps, fatal_error,
  cache_bytes, ingest_key_id)
SELECT
  concat('bench-', toString(number)) AS report_id,
  ts, now64(3) AS received_at, 30000 AS interval_ms,
  concat('s', toString(sess)) AS session_id, concat('d', toString(sess)) AS device_id, concat('p', toString(sess)) AS peer_id,
  ['smart_tv','streaming_stick','game_console','set_top_box','desktop','mobile','tablet'][h % 7 + 1] AS device_class,
  ['7.10.0','7.11.2','7.12.0','7.13.1'][intDiv(h, 7) % 4 + 1] AS client_version,
  concat('title-', toString(title)) AS content_id,
  concat('title-', toString(title), '/', ['720p','1080p'][intDiv(h, 11) % 2 + 1]) AS swarm_id,
  if(control, 'off', if(intDiv(h, 13) % 10 < 3, 'download', 'full')) AS p2p_mode,
  if(control, 'control', 'p2p') AS cohort,
  3 AS config_version, 0 AS opt_out,
  asn, concat('ISP ', toString(asn)) AS isp,
  ['US','DE','FR','GB','BR','JP','IN','ES'][asn % 8 + 1] AS country,
  cdn AS bytes_cdn, down AS bytes_p2p_down, up AS bytes_p2p_up,
  if(control, CAST([], 'Array(UInt32)'), [asn, other]) AS flows_peer_asn,
  if(control, CAST([], 'Array(UInt64)'), [toUInt64(intDiv(down, 2)), toUInt64(down - intDiv(down, 2))]) AS flows_down,
  if(control, CAST([], 'Array(UInt64)'), [toUInt64(intDiv(up, 2)), toUInt64(up - intDiv(up, 2))]) AS flows_up,
  toUInt32(r % 12) AS peers_connected, 100 AS swarm_size,
  toUInt32(r % 9) AS peer_attempts, toUInt32(r % 9 % 3) AS peer_failures,
  toUInt32(28000 + r % 2000) AS play_ms, toUInt32(if(r % 17 = 0, r % 1500, 0)) AS rebuffer_ms,
  toUInt32(r % 17 = 0) AS rebuffer_count,
  if(number % ${REPORTS_PER_SESSION} = 0, toNullable(toUInt32(300 + r % 2500)), NULL) AS startup_ms,
  toUInt32(2000 + r % 6000) AS bitrate_kbps,
  if(number % ${REPORTS_PER_SESSION} = ${REPORTS_PER_SESSION - 1} AND h % 100 = 0, 'MEDIA_ERR', '') AS fatal_error,
  NULL AS cache_bytes, 'bench' AS ingest_key_id
FROM (
  SELECT number,
    intDiv(number, ${REPORTS_PER_SESSION}) AS sess,
    cityHash64(sess) AS h,
    cityHash64(number) AS r,
    h % 10 < 2 AS control,
    toUInt32(floor(pow((h % 10007) / 10007, 2.5) * 50)) AS title,
    toUInt32(64500 + floor(pow((intDiv(h, 10007) % 10009) / 10009, 2) * 30)) AS asn,
    toUInt32(64500 + (intDiv(h, 3) + number) % 31) AS other,
    {start:DateTime64(3, 'UTC')} + toIntervalMillisecond(h % {spanMs:UInt64} + (number % ${REPORTS_PER_SESSION}) * 30000) AS ts,
    toUInt64(r % 4000000) AS cdn,
    if(control, 0, toUInt64(intDiv(r, 7) % 5000000)) AS down,
    if(control OR intDiv(h, 13) % 10 < 3, 0, toUInt64(intDiv(r, 11) % 3000000)) AS up
  FROM numbers({offset:UInt64}, {count:UInt64})
)`;

function pct(xs: number[], p: number): number {
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.ceil(p * v.length) - 1)]!;
}

async function time(fn: () => Promise<unknown>, runs: number): Promise<{ p50: number; p95: number }> {
  await fn(); // warm-up
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  return { p50: pct(t, 0.5), p95: pct(t, 0.95) };
}

async function main() {
  console.log(`data dir ${dir}`);
  process.on('exit', () => {
    if (!values.keep && !values['data-dir']) fs.rmSync(dir, { recursive: true, force: true });
  });
  await migrate();
  if (values.reuse && !values['data-dir']) throw new Error('--reuse needs --data-dir');
  const now = Date.now();
  // Sessions start in [now − 7 d, now − 30 min] so every report lands inside the last 7 days.
  const start = now - 7 * DAY;
  const spanMs = 7 * DAY - REPORTS_PER_SESSION * 30_000;
  const t0 = performance.now();
  for (let offset = 0; offset < (values.reuse ? 0 : N); offset += CHUNK) {
    const count = Math.min(CHUNK, N - offset);
    await command(INSERT, { offset, count, start: new Date(start).toISOString().replace('T', ' ').replace('Z', ''), spanMs });
    process.stdout.write(`\rinserted ${(offset + count).toLocaleString('en-US')} / ${N.toLocaleString('en-US')} reports`);
  }
  const secs = (performance.now() - t0) / 1000;
  if (!values.reuse) console.log(`\ninsert: ${secs.toFixed(1)} s (${Math.round(N / secs).toLocaleString('en-US')} reports/s through telemetry_raw and every materialized view)`);
  // A bulk load leaves one partial aggregate per insert block; background merges fold them in steady
  // state. Fold them now so the timings show that steady state, not the minutes right after a load.
  const t1 = performance.now();
  const tables = await query(
    `SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'dash\\_%' AND engine = 'AggregatingMergeTree'`,
    {},
    z.object({ name: z.string() }),
  );
  for (const t of tables) await command(`OPTIMIZE TABLE ${t.name} FINAL`);
  console.log(`merged the rollups in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  // The raw table's own background merges (20 inserts of 1 M rows) go on for a while after the load and
  // would take CPU from both sides of every timing; wait for them like a steady-state server would.
  const t2 = performance.now();
  const Merges = z.object({ n: z.coerce.number() });
  for (;;) {
    const [m] = await query('SELECT count() AS n FROM system.merges WHERE database = currentDatabase()', {}, Merges);
    if (!m || m.n === 0 || performance.now() - t2 > 600_000) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.log(`background merges settled in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
  const sizes = await query(
    `SELECT table, sum(rows) AS rows FROM system.parts WHERE active AND (table LIKE 'dash_%' OR table = 'telemetry_raw') AND database = currentDatabase() GROUP BY table ORDER BY table`,
    {},
    z.object({ table: z.string(), rows: z.coerce.number() }),
  );
  for (const s of sizes) console.log(`  ${s.table.padEnd(24)} ${s.rows.toLocaleString('en-US').padStart(14)} rows`);

  const inputs: Record<string, (range: { preset: '24h' | '7d' }) => Record<string, unknown>> = {
    overview: (range) => ({ range, filters: {} }),
    movers: (range) => ({ range, filters: {} }),
    offloadSeries: (range) => ({ range, filters: {} }),
    breakdown: (range) => ({ range, filters: {}, dimension: 'deviceClass' }),
    swarms: (range) => ({ range, filters: {} }),
    swarmSizeSeries: (range) => ({ range, filters: {} }),
    sizeCurve: (range) => ({ range, filters: {} }),
    isps: (range) => ({ range, filters: {} }),
    ispSeries: (range) => ({ range, filters: {} }),
    ispFlows: (range) => ({ range, filters: {}, top: 10 }),
    ispDetail: (range) => ({ range, filters: {}, asn: 64500 }),
    qoe: (range) => ({ range, filters: {} }),
  };
  const rows: string[] = [];
  let worst = 0;
  const minRatio: Record<string, number> = { '24h': Infinity, '7d': Infinity };
  console.log(`\n${N.toLocaleString('en-US')} reports; ${RUNS} runs per rollup figure, ${RAW_RUNS} per raw figure (ms)`);
  const header = `${'procedure'.padEnd(16)} range  rollup p50  rollup p95   raw p50   raw p95   speed-up (p50)`;
  console.log(header);
  for (const preset of ['24h', '7d'] as const) {
    for (const [name, fn] of Object.entries(FIGURES)) {
      const call = fn as (i: Record<string, unknown>, o: { raw?: boolean }) => Promise<unknown>;
      const input = inputs[name]!({ preset });
      const r = await time(() => call(input, {}), RUNS);
      const raw = await time(() => call(input, { raw: true }), RAW_RUNS);
      const ratio = raw.p50 / r.p50;
      worst = Math.max(worst, r.p95);
      minRatio[preset] = Math.min(minRatio[preset]!, ratio);
      const line = `${name.padEnd(16)} ${preset.padEnd(5)} ${r.p50.toFixed(1).padStart(11)} ${r.p95.toFixed(1).padStart(11)} ${raw.p50.toFixed(0).padStart(9)} ${raw.p95.toFixed(0).padStart(9)} ${ratio.toFixed(1).padStart(12)} ×`;
      console.log(line);
      rows.push(line);
    }
  }
  console.log(`\nworst rollup p95: ${worst.toFixed(1)} ms (target ≤ 150 ms)`);
  console.log(`smallest speed-up vs raw: 24 h ${minRatio['24h']!.toFixed(1)} × (target ≥ 10 ×), 7 d ${minRatio['7d']!.toFixed(1)} × (target ≥ 20 ×)`);
  await closeStore();
  if (!values.keep && !values['data-dir']) fs.rmSync(dir, { recursive: true, force: true });
}

await main();
