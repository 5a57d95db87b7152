/**
 * `npm run bench:ingest [-- --duration 30 --clients 32 --batch 500 --stored 20000000 --direct-max 100000
 *   --dist .next-bench-ingest --no-build --cpu-prof <dir>]`
 *
 * 1. Production build (into --dist unless it already holds one), started on a fresh data directory.
 * 2. Concurrent clients POST gzip'd batches of --batch reports for --duration s: reports/s accepted, p50/p99.
 * 3. Once that burst's merges are done, a dashboard-style query timed on the idle server (same store).
 * 4. Paced load at half that rate while the same query is timed again (heavy inserts must not starve it).
 * 5. Server stopped (one process per store; its peak RSS read from /proc first), then in this process:
 *    the engine's own INSERT … SELECT FROM numbers() of as many reports as the API accepted, through the
 *    same telemetry_raw and every materialized view (the ceiling; prints API / ceiling), and a direct
 *    text insert of API-shaped rows through @clickhouse/client (today's older baseline).
 * 6. --stored reports loaded with bench:queries' loader (ids hashed, so they interleave with the API's in
 *    the dedup index), the server started again on that store, its writer's read of the stored ids into
 *    its filters timed, and step 3 repeated: stored / empty.
 * --cpu-prof <dir>: the first server runs under `node --cpu-prof`; its self time is summarized at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { apiShapedReport } from './api-shaped-report';
import { ensureBuild } from './next-build';

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    clients: { type: 'string', default: '32' },
    batch: { type: 'string', default: '500' },
    dist: { type: 'string', default: '.next-bench-ingest' },
    'no-build': { type: 'boolean', default: false },
    stored: { type: 'string', default: '20000000' },
    'direct-max': { type: 'string', default: '100000' },
    'cpu-prof': { type: 'string' },
  },
  strict: false,
});
const DURATION_S = Number(flags.duration);
const CLIENTS = Number(flags.clients);
const BATCH = Number(flags.batch);
const DIST = String(flags.dist);
const STORED = Number(flags.stored);
const DIRECT_MAX = Number(flags['direct-max']);
const CPU_PROF = flags['cpu-prof'] ? path.resolve(String(flags['cpu-prof'])) : undefined;
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
function makeReport(b: number, i: number, now: number) {
  // random-looking like real SDK ids, so they interleave with stored ones in the dedup index
  const id = crypto.createHash('sha1').update(`${run}-${b}-${i}`).digest('hex').slice(0, 24);
  return apiShapedReport(b * BATCH + i, now, id, { sessions: 50_000, devices: 40_000, tsMs: 60_000 });
}

// ---------------------------------------------------------------- server

interface Server {
  url: string;
  child: ChildProcess;
  /** peak resident memory of the server process so far (VmHWM: the engine runs in-process, so it counts too) */
  peakMiB(): number;
  /** CPU seconds the server used so far: the whole process (engine threads included) and its main thread */
  cpu(): { process: number; main: number };
  /** CPU seconds by thread name (the engine's pools, libuv, V8's helpers) */
  threads(): Map<string, number>;
  stop(): Promise<void>;
}

/** utime + stime of a /proc stat file, in seconds (clock ticks of 1/100 s on Linux). */
function procCpuSeconds(file: string): number {
  const stat = fs.readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of each thread of `pid`, summed by thread name (digits dropped: "QueryPipelineEx", "libuv-worker" …). */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name =
        tid === String(pid)
          ? 'main thread'
          : stat
              .slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
              .replace(/[\d:]+$/, '')
              .trim();
      out.set(name, (out.get(name) ?? 0) + procCpuSeconds(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/** CPU time of this process (the load generator, later the engine of the ceiling), in seconds. */
const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function startServer(dataDir: string, cpuProf?: string): Promise<Server> {
  const nodeArgs = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : [];
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server.ts'], {
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
    peakMiB: () => {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : NaN;
    },
    threads: () => threadCpu(child.pid!),
    cpu: () => ({
      process: procCpuSeconds(`/proc/${child.pid}/stat`),
      main: procCpuSeconds(`/proc/${child.pid}/task/${child.pid}/stat`),
    }),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function adminStats(url: string, dataDir: string, q: 'counts' | 'offload' | 'merges'): Promise<string[]> {
  const handle = JSON.parse(fs.readFileSync(path.join(dataDir, '.swarmdeck-server.json'), 'utf8')) as { token: string };
  const res = await fetch(`${url}/_admin/cli`, {
    method: 'POST',
    headers: { authorization: `Bearer ${handle.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ command: 'ingest:stats', args: { query: q } }),
  });
  if (!res.ok) throw new Error(`admin ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { lines: string[] }).lines;
}

/** Asks `ingest:stats <q>` every `everyMs` until `done` holds for its lines or `maxMs` passes; the last lines. */
async function pollStats(
  url: string,
  dataDir: string,
  q: 'counts' | 'merges',
  done: (lines: string[]) => boolean,
  maxMs: number,
  everyMs: number,
): Promise<string[]> {
  const end = Date.now() + maxMs;
  for (;;) {
    const lines = await adminStats(url, dataDir, q);
    if (done(lines) || Date.now() >= end) return lines;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Until no acknowledged report waits in the landing table for its move (or `maxMs` passes). */
async function waitForLanding(url: string, dataDir: string, maxMs: number): Promise<void> {
  const waiting = (lines: string[]) => lines.find((l) => l.startsWith('landing:')) ?? '';
  await pollStats(url, dataDir, 'counts', (ls) => !waiting(ls) || /, 0 rows waiting$/.test(waiting(ls)), maxMs, 200);
}

/** Until the engine runs no merge (or `maxMs` passes); the merges still running. */
async function waitForMerges(url: string, dataDir: string, maxMs: number): Promise<number> {
  const running = (lines: string[]) => Number(/merges: (\d+)/.exec(lines[0] ?? '')?.[1] ?? NaN);
  return running(await pollStats(url, dataDir, 'merges', (ls) => running(ls) === 0, maxMs, 500));
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
interface LoadResult {
  accepted: number;
  errors: number;
  seconds: number;
  rate: number;
  lat: number[];
}

/** --clients concurrent clients posting as fast as answers come, for --duration seconds. */
async function fullLoad(url: string, take: () => Buffer): Promise<LoadResult> {
  const lat: number[] = [];
  let accepted = 0;
  let errors = 0;
  const t0 = Date.now();
  const end = t0 + DURATION_S * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < end) {
        const t = performance.now();
        const r = await post(url, take());
        lat.push(performance.now() - t);
        if (r.status === 200) accepted += r.accepted;
        else errors++;
      }
    }),
  );
  const seconds = (Date.now() - t0) / 1000;
  return { accepted, errors, seconds, rate: accepted / seconds, lat: lat.sort((a, b) => a - b) };
}

function loadAvg(): string {
  return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const sqlTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

async function main() {
  ensureBuild(DIST, { skip: Boolean(flags['no-build']), log });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-bench-ingest-'));
  process.on('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const now = Date.now();
  log(`load average at start: ${loadAvg()} (${os.cpus().length} cores)`);

  // Bodies are made before the clock starts so the clients spend their CPU on HTTP, not on JSON.
  const maxBatches = Math.ceil((60_000 * DURATION_S * 1.5) / BATCH) + 200;
  log(`preparing up to ${maxBatches} gzip'd batches of ${BATCH} …`);
  const bodies: Buffer[] = [];
  const makeBody = (b: number) =>
    zlib.gzipSync(JSON.stringify({ reports: Array.from({ length: BATCH }, (_, i) => makeReport(b, i, now)) }), {
      level: 1,
    });
  const prepareUntil = Math.min(maxBatches, Math.ceil((30_000 * DURATION_S) / BATCH) + 100);
  for (let b = 0; b < prepareUntil; b++) bodies.push(makeBody(b));
  let next = 0;
  const take = (): Buffer => {
    const b = next++;
    while (bodies.length <= b) bodies.push(makeBody(bodies.length));
    return bodies[b]!;
  };

  if (CPU_PROF) fs.mkdirSync(CPU_PROF, { recursive: true });
  const server = await startServer(dataDir, CPU_PROF);
  log(`server up at ${server.url} (data ${dataDir})`);
  let empty: LoadResult;
  let peakEmpty: number;
  let emptyCpu = { process: 0, main: 0, client: 0 };
  const emptyThreads = new Map<string, number>();
  try {
    // warm-up (first compile of the route, IP database already loaded at start)
    await post(server.url, take());

    const cpu0 = server.cpu();
    const threads0 = server.threads();
    const self0 = selfCpu();
    empty = await fullLoad(server.url, take);
    const cpu1 = server.cpu();
    for (const [name, sec] of server.threads()) {
      const d = sec - (threads0.get(name) ?? 0);
      if (d > 0) emptyThreads.set(name, d);
    }
    emptyCpu = {
      process: cpu1.process - cpu0.process,
      main: cpu1.main - cpu0.main,
      client: selfCpu() - self0,
    };
    const lat = empty.lat;

    // The idle baseline on the store the half-rate phase starts from (timing it before the load compared a
    // query over ~0 rows with one over half a million), once the burst's merges are done: idle means no
    // ingestion and no merging. The half-rate phase then starts from that settled state too.
    const settleStart = performance.now();
    await waitForLanding(server.url, dataDir, 120_000);
    const mergesLeft = await waitForMerges(server.url, dataDir, 180_000);
    const settledS = (performance.now() - settleStart) / 1000;
    const idle = await timeQueries(server.url, dataDir, Date.now() + 3000, 20);

    // half rate, paced, with the dashboard query timed alongside
    const halfRate = empty.rate / 2;
    const halfSeconds = Math.max(5, Math.min(15, DURATION_S / 2));
    const perClientInterval = (BATCH / halfRate) * CLIENTS * 1000;
    const halfEnd = Date.now() + halfSeconds * 1000;
    let halfAccepted = 0;
    const halfLat: number[] = [];
    const loaded = timeQueries(server.url, dataDir, halfEnd, 10);
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        await new Promise((r) => setTimeout(r, (perClientInterval / CLIENTS) * c));
        while (Date.now() < halfEnd) {
          const started = Date.now();
          const r = await post(server.url, take());
          halfLat.push(Date.now() - started);
          if (r.status === 200) halfAccepted += r.accepted;
          const wait = perClientInterval - (Date.now() - started);
          if (wait > 0) await new Promise((res) => setTimeout(res, wait));
        }
      }),
    );
    halfLat.sort((a, b) => a - b);
    const underLoad = await loaded;
    const stats = await adminStats(server.url, dataDir, 'counts');
    peakEmpty = server.peakMiB();

    log('');
    log(`API on an empty store (production build, ${CLIENTS} clients, gzip'd batches of ${BATCH}, ${DURATION_S} s):`);
    log(
      `  accepted ${empty.accepted} reports in ${empty.seconds.toFixed(1)} s = ${n0(empty.rate)} reports/s; non-200 answers: ${empty.errors}`,
    );
    log(`  ack time p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms (${lat.length} requests)`);
    log(`  store: ${stats.join(', ')}`);
    const us = (sec: number) => ((sec * 1e6) / Math.max(1, empty.accepted)).toFixed(1);
    log(
      `  CPU by thread: ${[...emptyThreads]
        .sort((a, b) => b[1] - a[1])
        .filter(([, sec]) => sec >= 0.05)
        .map(([name, sec]) => `${name} ${sec.toFixed(1)} s (${us(sec)} µs)`)
        .join(', ')}`,
    );
    log(
      `  CPU: server ${emptyCpu.process.toFixed(1)} s = ${(emptyCpu.process / empty.seconds).toFixed(2)} cores (${us(emptyCpu.process)} µs a report; its main thread ${emptyCpu.main.toFixed(1)} s = ${us(emptyCpu.main)} µs a report), load generator ${emptyCpu.client.toFixed(1)} s (${us(emptyCpu.client)} µs a report), of ${os.cpus().length} cores × ${empty.seconds.toFixed(1)} s`,
    );
    log(
      `At half that rate (${halfSeconds} s, paced): ${n0(halfAccepted / halfSeconds)} reports/s, ack p50 ${pct(halfLat, 50).toFixed(0)} ms, p99 ${pct(halfLat, 99).toFixed(0)} ms`,
    );
    log(
      `Dashboard query (offload per minute over the last hour, telemetry_raw), idle = after the full-rate run on its store, ${mergesLeft === 0 ? `its merges done in ${settledS.toFixed(0)} s` : `${mergesLeft} merge(s) still running after ${settledS.toFixed(0)} s`}:`,
    );
    log(`  idle        p50 ${pct(idle, 50).toFixed(0)} ms, p99 ${pct(idle, 99).toFixed(0)} ms (${idle.length} runs)`);
    log(
      `  half rate   p50 ${pct(underLoad, 50).toFixed(0)} ms, p99 ${pct(underLoad, 99).toFixed(0)} ms (${underLoad.length} runs)`,
    );
    log(`  ratio half rate / idle (p50): ${(pct(underLoad, 50) / pct(idle, 50)).toFixed(2)}`);
    log(`Server peak memory (VmHWM, engine included): ${peakEmpty.toFixed(0)} MiB`);
  } finally {
    await server.stop();
  }

  // In this process from here on (the server is stopped: one process per store).
  process.env.SWARMDECK_DATA_DIR = dataDir;
  process.env.CLICKHOUSE_QUERY_TIMEOUT_MS = '3600000';
  delete process.env.CLICKHOUSE_URL;
  const { store, command, query, closeStore } = await import('../server/clickhouse/client');
  const { syntheticReportsInsert } = await import('./synthetic-reports');
  const { RunningMergesSql } = await import('../server/clickhouse/queries/ingest');

  // The ceiling: the engine's own INSERT … SELECT of as many reports as the API accepted, API-shaped
  // (ts in the last minute, two flows), through telemetry_raw and every view; 1 M rows per statement.
  const ceilingRows = Math.max(empty.accepted, 10_000);
  const idExpr = (salt: number) => `lower(hex(cityHash64(number, ${salt})))`;
  const t0 = performance.now();
  const ceilingCpu0 = selfCpu();
  for (let offset = 0; offset < ceilingRows; offset += 1_000_000) {
    const count = Math.min(1_000_000, ceilingRows - offset);
    await command(syntheticReportsInsert(idExpr(1)), {
      offset,
      count,
      start: sqlTime(Date.now() - 3_600_000),
      spanMs: 60_000,
    });
  }
  const ceilingRate = ceilingRows / ((performance.now() - t0) / 1000);
  log(
    `Engine ceiling: INSERT … SELECT FROM numbers() of ${n0(ceilingRows)} reports through telemetry_raw and every view: ${n0(ceilingRate)} reports/s`,
  );
  const ceilingCpu = selfCpu() - ceilingCpu0;
  const ceilingSecs = ceilingRows / ceilingRate;
  log(
    `  engine CPU ${ceilingCpu.toFixed(1)} s = ${(ceilingCpu / ceilingSecs).toFixed(2)} cores, ${((ceilingCpu * 1e6) / ceilingRows).toFixed(1)} µs a report (the API's server: ${((emptyCpu.process * 1e6) / Math.max(1, empty.accepted)).toFixed(1)} µs a report)`,
  );
  log(`API / ceiling = ${(empty.rate / ceilingRate).toFixed(2)}`);

  // Today's older baseline: API-shaped rows as text through @clickhouse/client, 10k-row inserts.
  const { serializeRow, dt64, ROW_COLUMNS } = await import('../server/ingest/rows');
  const { TelemetryReport } = await import('../lib/telemetry/schema');
  const s = await store();
  const direct = { rows: 0, seconds: 0 };
  const rowsWanted = Math.min(Math.max(empty.accepted, 20_000), DIRECT_MAX);
  const geo = { asn: 0, isp: 'unknown', country: '' };
  for (let b = 0; direct.rows < rowsWanted;) {
    const rows: unknown[][] = [];
    const received = dt64(Date.now());
    while (rows.length < 10_000 && direct.rows + rows.length < rowsWanted) {
      for (let i = 0; i < BATCH; i++) {
        const r = TelemetryReport.parse({ ...makeReport(b, i, now), reportId: `direct-${run}-${b}-${i}` });
        const row = JSON.parse(serializeRow(r, { keyId: 'bootstrap', geo })) as unknown[];
        row.push(received);
        rows.push(row);
      }
      b++;
    }
    const t = performance.now();
    await s.client.insert({
      table: 'telemetry_raw',
      columns: [...ROW_COLUMNS],
      values: rows,
      format: 'JSONCompactEachRow',
    });
    direct.seconds += (performance.now() - t) / 1000;
    direct.rows += rows.length;
  }
  const directRate = direct.rows / direct.seconds;
  log(
    `Direct text insert through @clickhouse/client (10k-row JSONCompactEachRow inserts, API-shaped rows): ${n0(directRate)} rows/s (${n0(direct.rows)} rows; insert calls only)`,
  );
  log(`API / direct = ${(empty.rate / directRate).toFixed(2)}`);

  let stored: LoadResult | undefined;
  if (STORED > 0) {
    // bench:queries' loader: the last 7 days, every id received now (all inside the 24 h dedup window)
    const t1 = performance.now();
    for (let offset = 0; offset < STORED; offset += 1_000_000) {
      const count = Math.min(1_000_000, STORED - offset);
      await command(syntheticReportsInsert(idExpr(2)), {
        offset,
        count,
        start: sqlTime(Date.now() - 7 * 86_400_000),
        spanMs: 7 * 86_400_000 - 1_800_000,
      });
      process.stdout.write(`\rloaded ${n0(offset + count)} / ${n0(STORED)} reports`);
    }
    const loadSecs = (performance.now() - t1) / 1000;
    log(
      `\nloaded ${n0(STORED)} reports in ${loadSecs.toFixed(0)} s (${n0(STORED / loadSecs)} reports/s: the ceiling again, at 1 M rows a statement)`,
    );
    // Merges right after a bulk load would take CPU from the second run only; wait (bounded) like bench:queries.
    const t2 = performance.now();
    for (;;) {
      const [m] = await query(RunningMergesSql);
      if (!m || m.n === 0 || performance.now() - t2 > 300_000) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    log(`background merges settled in ${((performance.now() - t2) / 1000).toFixed(0)} s`);
    await closeStore();

    const again = await startServer(dataDir);
    try {
      // The first batch makes the restarted writer read the stored ids into its filters (in the
      // background; every id is looked up in the store until that ends). Timed here, then the steady state.
      await post(again.url, take());
      const t3 = performance.now();
      let preload = '';
      while (performance.now() - t3 < 600_000) {
        preload = (await adminStats(again.url, dataDir, 'counts')).find((l) => l.startsWith('preload:')) ?? '';
        if (!preload.startsWith('preload: loading')) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      log(`restart: ${preload} (waited ${((performance.now() - t3) / 1000).toFixed(0)} s)`);
      stored = await fullLoad(again.url, take);
      const peak = again.peakMiB();
      const writer = (await adminStats(again.url, dataDir, 'counts')).find((l) => l.startsWith('writer:'));
      log(
        `API with ${n0(STORED)} reports stored: ${n0(stored.rate)} reports/s, ack p50 ${pct(stored.lat, 50).toFixed(0)} ms, p99 ${pct(stored.lat, 99).toFixed(0)} ms, non-200: ${stored.errors}; peak memory ${peak.toFixed(0)} MiB`,
      );
      log(`  ${writer ?? ''}`);
      log(`stored / empty = ${(stored.rate / empty.rate).toFixed(2)}`);
    } finally {
      await again.stop();
    }
  } else {
    await closeStore();
  }
  if (CPU_PROF) summarizeProfile(CPU_PROF);
  log(`load average at end: ${loadAvg()}`);
}

/** Self time of the profiled server by function and by file (where the main thread's time goes). */
function summarizeProfile(dir: string) {
  const file = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    // the main thread's profile is the largest (tsx's loader thread writes one too)
    .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
  if (!file) return log(`no .cpuprofile in ${dir}`);
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(prof.nodes.map((n) => [n.id, n.callFrame]));
  const fn = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  let idle = 0;
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    const cf = byId.get(id)!;
    // idle = the main thread waiting (on the engine's threads, the network): shown apart
    if (cf.functionName === '(idle)') return void (idle += dt);
    total += dt;
    const where = cf.url.replace(/^file:\/\//, '').replace(root + '/', '') || '(native)';
    const k = `${cf.functionName || '(anonymous)'}  ${where}:${cf.lineNumber + 1}`;
    fn.set(k, (fn.get(k) ?? 0) + dt);
    const f = where.includes('node_modules/')
      ? where.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
      : where.replace(/^\.?\/?/, '');
    byFile.set(f, (byFile.get(f) ?? 0) + dt);
  });
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
  log(
    `\nCPU profile of the first server's main thread (${file}): busy ${(total / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s; busy self time by file`,
  );
  for (const l of top(byFile, 15)) log(l);
  log('by function:');
  for (const l of top(fn, 20)) log(l);
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
