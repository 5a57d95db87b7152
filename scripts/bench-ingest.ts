/**
 * `npm run bench:ingest [-- --duration 30 --clients 32 --batch 500 --dist .next-bench-ingest --no-build]`
 *
 * 1. Production build (into --dist unless it already holds one), started on a fresh data directory.
 * 2. Dashboard-style query latency on the idle server.
 * 3. Concurrent clients POST gzip'd batches of --batch reports for --duration s: reports/s accepted, p50/p99.
 * 4. Paced load at half that rate while the same query is timed again (heavy inserts must not starve it).
 * 5. Server stopped (one process per store), then the same rows bulk-inserted directly through
 *    @clickhouse/client into the same tables: the ceiling. Prints the API/direct ratio.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    clients: { type: 'string', default: '32' },
    batch: { type: 'string', default: '500' },
    dist: { type: 'string', default: '.next-bench-ingest' },
    'no-build': { type: 'boolean', default: false },
  },
  strict: false,
});
const DURATION_S = Number(flags.duration);
const CLIENTS = Number(flags.clients);
const BATCH = Number(flags.batch);
const DIST = String(flags.dist);
const root = path.resolve(import.meta.dirname, '..');
const KEY = 'bench-ingest-key-0123456789';

function log(line: string) {
  console.log(line);
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// ---------------------------------------------------------------- data
const run = Date.now().toString(36);
const DEVICE = ['smart_tv', 'streaming_stick', 'game_console', 'set_top_box', 'desktop', 'mobile', 'tablet'];
function makeReport(b: number, i: number, now: number) {
  const n = b * BATCH + i;
  return {
    reportId: `bench-${run}-${b}-${i}`,
    sessionId: `s-${n % 50_000}`,
    deviceId: `d-${n % 40_000}`,
    peerId: `p-${n % 50_000}`,
    ts: now - (n % 60_000),
    intervalMs: 30_000,
    deviceClass: DEVICE[n % DEVICE.length],
    clientVersion: `7.${n % 13}.0`,
    contentId: `title-${n % 200}`,
    swarmId: `title-${n % 200}/1080p`,
    p2pMode: 'full',
    cohort: n % 2 ? 'p2p' : 'control',
    configVersion: 3,
    bytes: { cdn: 1_000_000 + (n % 1000), p2pDown: 800_000, p2pUp: 300_000 },
    flows: [
      { peerAsn: 3320, down: 500_000, up: 200_000 },
      { peerAsn: 0, down: 300_000, up: 100_000 },
    ],
    peers: { connected: 5, swarmSize: 120, attempts: 10, failures: 1 },
    qoe: { playMs: 29_000, rebufferMs: 200, rebufferCount: 1, bitrateKbps: 4500 },
  };
}

// ---------------------------------------------------------------- server
function ensureBuild() {
  if (!flags['no-build'] && !fs.existsSync(path.join(root, DIST, 'BUILD_ID'))) {
    log(`building into ${DIST}/ …`);
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'build'], {
      cwd: root,
      env: { ...process.env, NEXT_DIST_DIR: DIST },
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('next build failed');
  }
}

async function startServer(dataDir: string): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_DIST_DIR: DIST,
      PORT: '0',
      HOST: '127.0.0.1',
      UV_THREADPOOL_SIZE: '64',
      SWARMDECK_DATA_DIR: dataDir,
      SWARMDECK_INGEST_KEY: KEY,
      SWARMDECK_INGEST_IP_RATE: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 120_000);
    child.stdout!.on('data', () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}:\n${out}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function adminStats(url: string, dataDir: string, q: 'counts' | 'offload'): Promise<string[]> {
  const handle = JSON.parse(fs.readFileSync(path.join(dataDir, '.swarmdeck-server.json'), 'utf8')) as { token: string };
  const res = await fetch(`${url}/_admin/cli`, {
    method: 'POST',
    headers: { authorization: `Bearer ${handle.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ command: 'ingest:stats', args: { query: q } }),
  });
  if (!res.ok) throw new Error(`admin ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { lines: string[] }).lines;
}

async function timeQueries(url: string, dataDir: string, untilMs: number, minCount: number): Promise<number[]> {
  const times: number[] = [];
  while (Date.now() < untilMs || times.length < minCount) {
    const t = performance.now();
    await adminStats(url, dataDir, 'offload');
    times.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 50));
  }
  return times.sort((a, b) => a - b);
}

// ---------------------------------------------------------------- main
async function main() {
  ensureBuild();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-bench-ingest-'));
  const now = Date.now();

  // Bodies are made before the clock starts so the clients spend their CPU on HTTP, not on JSON.
  const maxBatches = Math.ceil((60_000 * DURATION_S * 1.5) / BATCH) + 200;
  log(`preparing up to ${maxBatches} gzip'd batches of ${BATCH} …`);
  const bodies: Buffer[] = [];
  const makeBody = (b: number) =>
    zlib.gzipSync(JSON.stringify({ reports: Array.from({ length: BATCH }, (_, i) => makeReport(b, i, now)) }), { level: 1 });
  const prepareUntil = Math.min(maxBatches, Math.ceil((30_000 * DURATION_S) / BATCH) + 100);
  for (let b = 0; b < prepareUntil; b++) bodies.push(makeBody(b));
  let next = 0;
  const take = (): Buffer => {
    const b = next++;
    while (bodies.length <= b) bodies.push(makeBody(bodies.length));
    return bodies[b]!;
  };

  const server = await startServer(dataDir);
  log(`server up at ${server.url} (data ${dataDir})`);
  let accepted = 0;
  let apiRate = 0;
  const direct = { rows: 0, seconds: 0 };
  try {
    // warm-up (first compile of the route, IP database already loaded at start)
    await post(server.url, take());

    const idle = await timeQueries(server.url, dataDir, Date.now() + 3000, 20);

    // full load
    const lat: number[] = [];
    let errors = 0;
    const t0 = Date.now();
    const end = t0 + DURATION_S * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (Date.now() < end) {
          const t = performance.now();
          const r = await post(server.url, take());
          lat.push(performance.now() - t);
          if (r.status === 200) accepted += r.accepted;
          else errors++;
        }
      }),
    );
    const elapsed = (Date.now() - t0) / 1000;
    const rate = accepted / elapsed;
    apiRate = rate;
    lat.sort((a, b) => a - b);

    // half rate, paced, with the dashboard query timed alongside
    const halfRate = rate / 2;
    const halfSeconds = Math.max(5, Math.min(15, DURATION_S / 2));
    const perClientInterval = (BATCH / halfRate) * CLIENTS * 1000;
    const halfEnd = Date.now() + halfSeconds * 1000;
    let halfAccepted = 0;
    const loaded = timeQueries(server.url, dataDir, halfEnd, 10);
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        await new Promise((r) => setTimeout(r, (perClientInterval / CLIENTS) * c));
        while (Date.now() < halfEnd) {
          const started = Date.now();
          const r = await post(server.url, take());
          if (r.status === 200) halfAccepted += r.accepted;
          const wait = perClientInterval - (Date.now() - started);
          if (wait > 0) await new Promise((res) => setTimeout(res, wait));
        }
      }),
    );
    const underLoad = await loaded;
    const stats = await adminStats(server.url, dataDir, 'counts');

    log('');
    log(`API (production build, ${CLIENTS} clients, gzip'd batches of ${BATCH}, ${DURATION_S} s):`);
    log(`  accepted ${accepted} reports in ${elapsed.toFixed(1)} s = ${Math.round(rate)} reports/s; non-200 answers: ${errors}`);
    log(`  response time p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms (${lat.length} requests)`);
    log(`  store: ${stats.join(', ')}`);
    log(`Dashboard query (offload per minute over the last hour, telemetry_raw):`);
    log(`  idle        p50 ${pct(idle, 50).toFixed(0)} ms, p99 ${pct(idle, 99).toFixed(0)} ms (${idle.length} runs)`);
    log(
      `  under load  p50 ${pct(underLoad, 50).toFixed(0)} ms, p99 ${pct(underLoad, 99).toFixed(0)} ms (${underLoad.length} runs, ingesting ${Math.round(halfAccepted / halfSeconds)} reports/s ≈ half rate)`,
    );
    log(`  ratio under load / idle (p50): ${(pct(underLoad, 50) / pct(idle, 50)).toFixed(2)}`);
  } finally {
    await server.stop();
  }

  // Direct bulk insert of the same rows (same batches, same order) into the same tables.
  process.env.SWARMDECK_DATA_DIR = dataDir;
  delete process.env.CLICKHOUSE_URL;
  const { store, closeStore } = await import('../server/clickhouse/client');
  const { RAW_COLUMNS } = await import('../server/clickhouse/queries/ingest');
  const { serializeRow, dt64 } = await import('../server/ingest/rows');
  const { TelemetryReport } = await import('../lib/telemetry/schema');
  const s = await store();
  const rowsWanted = Math.max(accepted, 50_000);
  const chunk = 10_000;
  const geo = { asn: 0, isp: 'unknown', country: '' };
  let b = 0;
  while (direct.rows < rowsWanted) {
    const rows: unknown[][] = [];
    const received = dt64(Date.now());
    while (rows.length < chunk && direct.rows + rows.length < rowsWanted) {
      for (let i = 0; i < BATCH; i++) {
        const r = TelemetryReport.parse({ ...makeReport(b, i, now), reportId: `direct-${run}-${b}-${i}` });
        const row = JSON.parse(serializeRow(r, { keyId: 'bootstrap', geo })) as unknown[];
        row[2] = received;
        rows.push(row);
      }
      b++;
    }
    const t = performance.now();
    await s.client.insert({ table: 'telemetry_raw', columns: [...RAW_COLUMNS], values: rows, format: 'JSONCompactEachRow' });
    direct.seconds += (performance.now() - t) / 1000;
    direct.rows += rows.length;
  }
  await closeStore();
  const directRate = direct.rows / direct.seconds;
  log(`Direct bulk insert through @clickhouse/client (${chunk}-row inserts, same rows, same tables and views):`);
  log(`  ${direct.rows} rows in ${direct.seconds.toFixed(1)} s = ${Math.round(directRate)} rows/s (timed: the insert calls only)`);
  log(`API / direct = ${(apiRate / directRate).toFixed(2)}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

async function post(url: string, body: Buffer): Promise<{ status: number; accepted: number }> {
  const res = await fetch(`${url}/api/v1/telemetry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: new Uint8Array(body),
  });
  const json = (await res.json().catch(() => ({}))) as { accepted?: number };
  return { status: res.status, accepted: json.accepted ?? 0 };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
