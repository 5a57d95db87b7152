/**
 * Dashboard query benchmark: `npm run bench:queries [-- --reports 20000000 --runs 15 --raw-runs 5]`.
 * `--swarm-scale` times only the Swarms page's list, with 1,000 and then 100,000 swarms in the store (the
 * same reports spread over more swarms): the page as the server answers it after a background refresh
 * (from the summary; target ≤ 2 × between the two fleets), the live query it replaces, and the refresh.
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
    'swarm-scale': { type: 'boolean', default: false },
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
const { RunningMergesSql } = await import('../server/clickhouse/queries/ingest');
const { FIGURES } = await import('../server/dashboards/service');
const { z } = await import('zod');
const { REPORTS_PER_SESSION, syntheticReportsInsert } = await import('./synthetic-reports');

const DAY = 86_400_000;
const CHUNK = 1_000_000;

const INSERT = syntheticReportsInsert();

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
    await command(INSERT, {
      offset,
      count,
      start: new Date(start).toISOString().replace('T', ' ').replace('Z', ''),
      spanMs,
    });
    process.stdout.write(
      `\rinserted ${(offset + count).toLocaleString('en-US')} / ${N.toLocaleString('en-US')} reports`,
    );
  }
  const secs = (performance.now() - t0) / 1000;
  if (!values.reuse)
    console.log(
      `\ninsert: ${secs.toFixed(1)} s (${Math.round(N / secs).toLocaleString('en-US')} reports/s through telemetry_raw and every materialized view)`,
    );
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
  for (;;) {
    const [m] = await query(RunningMergesSql);
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
  console.log(
    `\n${N.toLocaleString('en-US')} reports; ${RUNS} runs per rollup figure, ${RAW_RUNS} per raw figure (ms)`,
  );
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
  console.log(
    `smallest speed-up vs raw: 24 h ${minRatio['24h']!.toFixed(1)} × (target ≥ 10 ×), 7 d ${minRatio['7d']!.toFixed(1)} × (target ≥ 20 ×)`,
  );
  await closeStore();
  if (!values.keep && !values['data-dir']) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The same reports (every one its own peer-interval of a fleet; 4 reports a peer) over the last 7 days,
 * spread over `{swarms}` swarms, two renditions of each title. Only what the swarm rollups read is set.
 */
const SWARM_SCALE_INSERT = `
INSERT INTO telemetry_raw (report_id, ts, received_at, interval_ms, session_id, device_id, peer_id, device_class,
  client_version, content_id, swarm_id, p2p_mode, cohort, config_version, asn, isp, country,
  bytes_cdn, bytes_p2p_down, bytes_p2p_up, peers_connected, swarm_size, peer_attempts, peer_failures, play_ms, bitrate_kbps, ingest_key_id)
SELECT concat('scale-', toString(number)) AS report_id,
  {start:DateTime64(3, 'UTC')} + toIntervalMillisecond(cityHash64(number, 1) % {spanMs:UInt64}) AS ts, now64(3) AS received_at,
  30000 AS interval_ms, concat('s', toString(intDiv(number, 4))) AS session_id, concat('d', toString(intDiv(number, 4))) AS device_id,
  concat('p', toString(intDiv(number, 4))) AS peer_id,
  ['smart_tv','mobile','desktop'][number % 3 + 1] AS device_class, '7.12.0' AS client_version,
  concat('title-', toString(intDiv(sw, 2))) AS content_id, concat('title-', toString(intDiv(sw, 2)), '/', ['720p','1080p'][sw % 2 + 1]) AS swarm_id,
  'full' AS p2p_mode, 'p2p' AS cohort, 1 AS config_version, 64500 AS asn, 'ISP 64500' AS isp, 'US' AS country,
  cityHash64(number, 2) % 4000000 AS bytes_cdn, cityHash64(number, 3) % 5000000 AS bytes_p2p_down, cityHash64(number, 4) % 3000000 AS bytes_p2p_up,
  toUInt32(number % 12) AS peers_connected, 100 AS swarm_size, toUInt32(number % 9) AS peer_attempts, toUInt32(number % 9 % 3) AS peer_failures,
  28000 AS play_ms, 4000 AS bitrate_kbps, 'bench' AS ingest_key_id
FROM (SELECT number, intDiv(number, 4) % {swarms:UInt32} AS sw FROM numbers({offset:UInt64}, {count:UInt64}))`;

async function swarmScale() {
  console.log(`data dir ${dir}`);
  await migrate();
  const { refreshSwarmSummary } = await import('../server/dashboards/swarm-summary');
  const now = Date.now();
  const spanMs = 7 * DAY - 60_000;
  const start = new Date(now - 7 * DAY).toISOString().replace('T', ' ').replace('Z', '');
  const n = Number(values.reports === '20000000' ? 1_000_000 : N);
  const dashTables = async () =>
    (
      await query(
        `SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'dash\\_%' AND engine LIKE '%MergeTree'`,
        {},
        z.object({ name: z.string() }),
      )
    ).map((t) => t.name);
  type Timing = { p50: number; p95: number };
  const results: Record<'page' | 'live' | 'refresh', Record<string, Record<number, Timing>>> = {
    page: { '24h': {}, '7d': {} },
    live: { '24h': {}, '7d': {} },
    refresh: { '24h': {}, '7d': {} },
  };
  const counts = [1_000, 100_000];
  const strip = (x: object) => JSON.stringify({ ...x, source: undefined, asOf: undefined });
  for (const swarms of counts) {
    // One store per process (chdb): empty it between the two fleets instead.
    for (const t of ['telemetry_raw', ...(await dashTables())]) await command(`TRUNCATE TABLE ${t}`);
    const t0 = performance.now();
    for (let offset = 0; offset < n; offset += CHUNK) {
      await command(SWARM_SCALE_INSERT, { offset, count: Math.min(CHUNK, n - offset), start, spanMs, swarms });
    }
    for (const t of await dashTables()) if (t.startsWith('dash_swarm')) await command(`OPTIMIZE TABLE ${t} FINAL`);
    const Rows = z.object({ table: z.string(), rows: z.coerce.number() });
    const sizes = await query(
      `SELECT table, sum(rows) AS rows FROM system.parts WHERE active AND database = currentDatabase() AND table IN ('dash_swarm_15m', 'dash_swarm_1h') GROUP BY table ORDER BY table`,
      {},
      Rows,
    );
    console.log(
      `${swarms.toLocaleString('en-US')} swarms, ${n.toLocaleString('en-US')} reports loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${sizes.map((x) => `${x.table} ${x.rows.toLocaleString('en-US')} rows`).join(', ')}`,
    );
    for (const preset of ['24h', '7d'] as const) {
      const input = { range: { preset }, filters: {}, sort: 'peers' as const, desc: true, offset: 0, limit: 50 };
      // The live query (what the page ran before the summary, and still runs when none applies) …
      const live = await FIGURES.swarms(input, { live: true });
      results.live[preset]![swarms] = await time(() => FIGURES.swarms(input, { live: true }), RAW_RUNS);
      // … the background refresh of this preset's summary (the last one stays for the page) …
      results.refresh[preset]![swarms] = await time(() => refreshSwarmSummary(preset), RAW_RUNS);
      await refreshSwarmSummary(preset);
      // … and the page as the server answers it after a refresh: from the summary.
      const page = await FIGURES.swarms(input);
      if (page.asOf === null) throw new Error(`the ${preset} page did not read the summary`);
      if (strip(page) !== strip(live)) throw new Error(`the ${preset} summary page differs from the live one`);
      results.page[preset]![swarms] = await time(() => FIGURES.swarms(input), RUNS);
      // The page while the next refresh runs (on its own lane, binding nothing): it still reads the
      // snapshot being replaced and must not queue behind the refresh.
      const during: number[] = [];
      let refreshing = true;
      const next = refreshSwarmSummary(preset).finally(() => (refreshing = false));
      while (refreshing) {
        const s = performance.now();
        if ((await FIGURES.swarms(input)).asOf === null) throw new Error('the page left the summary mid-refresh');
        during.push(performance.now() - s);
      }
      await next;
      const f = (x: Timing) => `p50 ${x.p50.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms`;
      console.log(
        `  ${preset.padEnd(3)}: ${page.total.toLocaleString('en-US').padStart(7)} swarms in range, page of ${page.rows.length} (${page.source}, equal to live)\n` +
          `       page ${f(results.page[preset]![swarms]!)} · live query ${f(results.live[preset]![swarms]!)} · refresh ${f(results.refresh[preset]![swarms]!)}\n` +
          `       page during a refresh: ${during.length} loads, p50 ${pct(during, 0.5).toFixed(1)} ms, max ${Math.max(...during).toFixed(1)} ms`,
      );
    }
  }
  for (const preset of ['24h', '7d'] as const) {
    const ratio = (k: 'page' | 'live' | 'refresh') => {
      const [small, large] = counts.map((c) => results[k][preset]![c]!.p50);
      return `${small!.toFixed(1)} → ${large!.toFixed(1)} ms = ${(large! / small!).toFixed(2)} ×`;
    };
    console.log(`swarms page ${preset}: 100,000 ÷ 1,000 swarms = ${ratio('page')} (p50; target ≤ 2 ×)`);
    console.log(`  live query (no summary)          ${ratio('live')}`);
    console.log(`  background refresh               ${ratio('refresh')}`);
  }
  await closeStore();
  if (!values.keep && !values['data-dir']) fs.rmSync(dir, { recursive: true, force: true });
}

await (values['swarm-scale'] ? swarmScale() : main());
