/**
 * Where an ingestion INSERT's time goes: `npx tsx scripts/bench-insert-cost.ts [-- --rows 7000 --rounds 8]`.
 *
 * On a fresh embedded store with the real migrations, in one process, the same API-shaped rows (what the
 * writer sends: JSONCompactEachRow through chdb's raw insert on a lane of its own) are inserted, in rounds
 * that rotate the order, as:
 *   api    — into telemetry_raw and every view (the writer's path);
 *   parse  — into a copy of telemetry_raw without views (parsing and one part);
 *   views  — INSERT … SELECT of those rows from the copy into telemetry_raw (the views and their parts,
 *            no text parsing);
 *   engine — INSERT … SELECT FROM numbers() of as many synthetic reports (bench:ingest's ceiling shape).
 * It prints the median ms per insert and rows/s of each, and their ratios to `api`. COST_VARIANTS (JSON:
 * name → insert settings) adds `api` inserts with those settings, e.g.
 * `COST_VARIANTS='{"pvp":{"parallel_view_processing":1}}'`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { apiShapedReport } from './api-shaped-report';

const { values: flags } = parseArgs({
  options: { rows: { type: 'string', default: '7000' }, rounds: { type: 'string', default: '8' } },
  strict: false,
});
const ROWS = Math.max(100, Number(flags.rows) || 7000);
const ROUNDS = Math.max(2, Number(flags.rounds) || 8);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-insert-cost-'));
process.env.SWARMDECK_DATA_DIR = dataDir;
process.env.CLICKHOUSE_QUERY_TIMEOUT_MS = '3600000';
delete process.env.CLICKHOUSE_URL;

const { store, command, openLane, closeStore } = await import('../server/clickhouse/client');
const { migrate } = await import('../server/clickhouse/migrate');
const { serializeRow, dt64, ROW_COLUMNS, withReceivedAt } = await import('../server/ingest/rows');
const { TelemetryReport } = await import('../lib/telemetry/schema');
const { syntheticReportsInsert } = await import('./synthetic-reports');

await store();
await migrate();
await command('CREATE TABLE bench_raw_noviews AS telemetry_raw');
const lane = await openLane();

let serial = 0;
function payload(): Buffer {
  const now = Date.now();
  const received = dt64(now);
  const lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const n = serial++;
    const id = crypto.createHash('sha1').update(`cost-${n}`).digest('hex').slice(0, 24);
    const r = TelemetryReport.parse(apiShapedReport(n, now, id, { sessions: 50_000, devices: 40_000, tsMs: 60_000 }));
    lines.push(
      withReceivedAt(serializeRow(r, { keyId: 'bootstrap', geo: { asn: 0, isp: 'unknown', country: '' } }), received),
    );
  }
  lines.push('');
  return Buffer.from(lines.join('\n'));
}

const VARIANTS: Record<string, Record<string, number>> = JSON.parse(process.env.COST_VARIANTS ?? '{}');
const times: Record<string, number[]> = { api: [], parse: [], views: [], engine: [] };
for (const v of Object.keys(VARIANTS)) times[v] = [];
const sqlTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
let engineOffset = 0;

/** Serialize first, then time the insert alone. */
const rawInsert = (table: string, settings?: Record<string, number>) => async () => {
  const data = payload();
  const t = performance.now();
  await lane.insertRaw(table, ROW_COLUMNS, 'JSONCompactEachRow', data, settings);
  return performance.now() - t;
};
const statement = (run: () => Promise<unknown>) => async () => {
  const t = performance.now();
  await run();
  return performance.now() - t;
};

const steps: [string, () => Promise<number>][] = [
  ['api', rawInsert('telemetry_raw')],
  ...Object.entries(VARIANTS).map(
    ([name, settings]) => [name, rawInsert('telemetry_raw', settings)] as [string, () => Promise<number>],
  ),
  [
    'parse',
    async () => {
      await command('TRUNCATE TABLE bench_raw_noviews');
      return rawInsert('bench_raw_noviews')();
    },
  ],
  ['views', statement(() => command('INSERT INTO telemetry_raw SELECT * FROM bench_raw_noviews'))],
  [
    'engine',
    statement(() =>
      command(syntheticReportsInsert(`lower(hex(cityHash64(number, 7)))`), {
        offset: (engineOffset += ROWS),
        count: ROWS,
        start: sqlTime(Date.now() - 3_600_000),
        spanMs: 60_000,
      }),
    ),
  ],
];

// One warm-up of each, then rounds in rotating order; a text insert is timed without its serialization (and
// `parse` without the TRUNCATE before it); `views` copies the rows the last `parse` left in the copy.
for (const [, fn] of steps) await fn();
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < steps.length; k++) {
    const [name, fn] = steps[(k + round) % steps.length]!;
    times[name]!.push(await fn());
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const api = median(times.api!);
console.log(
  `${ROWS}-row inserts, ${ROUNDS} rounds, load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
for (const [name, xs] of Object.entries(times)) {
  const m = median(xs);
  console.log(
    `${name.padEnd(7)} median ${m.toFixed(0).padStart(5)} ms  ${Math.round(ROWS / (m / 1000))
      .toLocaleString('en-US')
      .padStart(8)} rows/s  ${(m / api).toFixed(2)} × api`,
  );
}
await lane.close();
await closeStore();
fs.rmSync(dataDir, { recursive: true, force: true });
