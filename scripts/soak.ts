/**
 * `npm run soak -- --minutes 10 [--dist .next-soak --no-build --clients 16 --batch 200 --probe 20 --warmup 1
 *   --ofrep-rps 50 --query-every-ms 1000]`
 *
 * A long run of everything at once against the production build on a fresh store:
 * 1. the maximum telemetry rate is measured for --probe s (--clients concurrent POSTs of --batch reports);
 * 2. for --minutes, telemetry is sent paced at half that rate, OFREP evaluations at --ofrep-rps, and a
 *    signed-in admin runs the Overview's dashboard queries (last hour, then last 24 h) one after another;
 * 3. per minute it prints ack p99 (telemetry answer time), query p99, OFREP p99, the server's RSS and the
 *    errors; at the end the RSS slope after --warmup minutes (linear fit, and growth from the first
 *    to the last minute after warm-up) and whether every acknowledged report is stored (counted in the
 *    store after the server stopped: accepted = stored).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { DEVICE_CLASSES } from '../lib/telemetry/enums';
import { apiShapedReport } from './api-shaped-report';
import { ensureBuild } from './next-build';

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    dist: { type: 'string', default: process.env.NEXT_DIST_DIR ?? '.next-soak' },
    'no-build': { type: 'boolean', default: false },
    clients: { type: 'string', default: '16' },
    batch: { type: 'string', default: '200' },
    probe: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '1' },
    'ofrep-rps': { type: 'string', default: '50' },
    'query-every-ms': { type: 'string', default: '1000' },
  },
  strict: false,
});
const MINUTES = Number(flags.minutes);
const DIST = String(flags.dist);
const CLIENTS = Number(flags.clients);
const BATCH = Number(flags.batch);
const PROBE_S = Number(flags.probe);
const WARMUP_MIN = Number(flags.warmup);
const OFREP_RPS = Number(flags['ofrep-rps']);
const QUERY_EVERY_MS = Number(flags['query-every-ms']);
const root = path.resolve(import.meta.dirname, '..');
const KEY = `soak-ingest-${crypto.randomBytes(8).toString('hex')}`;
const ADMIN = { email: 'soak-admin@swarmdeck.local', password: `soak-${crypto.randomBytes(12).toString('hex')}` };

const log = (line: string) => console.log(line);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function p99(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)]!;
}
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)} ms` : '—');

// ---------------------------------------------------------------- data
let seq = 0;
function report(now: number) {
  const n = seq++;
  const id = crypto.createHash('sha1').update(`${KEY}-${n}`).digest('hex').slice(0, 24);
  return apiShapedReport(n, now, id, { sessions: 20_000, devices: 15_000, tsMs: 30_000 });
}

// ---------------------------------------------------------------- server

interface Server {
  url: string;
  child: ChildProcess;
  rssMiB(): number;
  stop(): Promise<void>;
}

async function startServer(dataDir: string): Promise<Server> {
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
      SWARMDECK_ADMIN_EMAIL: ADMIN.email,
      SWARMDECK_ADMIN_PASSWORD: ADMIN.password,
      SWARMDECK_LOG_FORMAT: 'json',
      SWARMDECK_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Only the start-up is kept: a ten-minute run must not grow this process's memory with the server's output.
  let out = '';
  const keep = (d: Buffer) => {
    if (out.length < 200_000) out += String(d);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
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
    rssMiB() {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) / 1024 : NaN;
      } catch {
        return NaN;
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

// ---------------------------------------------------------------- traffic
interface Tally {
  acks: number[];
  queries: number[];
  ofrep: number[];
  accepted: number;
  errors: Record<string, number>;
}
const fresh = (): Tally => ({ acks: [], queries: [], ofrep: [], accepted: 0, errors: {} });
let acceptedTotal = 0;

async function postBatch(url: string, t: Tally): Promise<void> {
  const now = Date.now();
  const body = zlib.gzipSync(JSON.stringify({ reports: Array.from({ length: BATCH }, () => report(now)) }));
  const t0 = performance.now();
  try {
    const res = await fetch(`${url}/api/v1/telemetry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: new Uint8Array(body),
    });
    const json = (await res.json()) as { accepted?: number };
    t.acks.push(performance.now() - t0);
    if (res.status === 200) {
      t.accepted += json.accepted ?? 0;
      acceptedTotal += json.accepted ?? 0;
    } else t.errors[`telemetry ${res.status}`] = (t.errors[`telemetry ${res.status}`] ?? 0) + 1;
  } catch {
    t.errors['telemetry network'] = (t.errors['telemetry network'] ?? 0) + 1;
  }
}

async function measureMax(url: string): Promise<number> {
  const t = fresh();
  const end = Date.now() + PROBE_S * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < end) await postBatch(url, t);
    }),
  );
  return t.accepted / PROBE_S;
}

async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const c = res.headers.getSetCookie().find((x) => x.startsWith('swarmdeck_session='));
  if (!res.ok || !c) throw new Error(`sign-in failed: ${res.status}`);
  return c.split(';')[0]!;
}

async function dashboardQuery(url: string, cookie: string, preset: string, t: Tally): Promise<void> {
  const input = encodeURIComponent(JSON.stringify({ json: { range: { preset }, filters: {} } }));
  const t0 = performance.now();
  try {
    const res = await fetch(`${url}/api/trpc/dashboards.overview?input=${input}`, { headers: { cookie } });
    await res.arrayBuffer();
    t.queries.push(performance.now() - t0);
    if (res.status !== 200) t.errors[`query ${res.status}`] = (t.errors[`query ${res.status}`] ?? 0) + 1;
  } catch {
    t.errors['query network'] = (t.errors['query network'] ?? 0) + 1;
  }
}

async function ofrep(url: string, t: Tally): Promise<void> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${url}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        context: {
          targetingKey: `d-${Math.floor(Math.random() * 15_000)}`,
          deviceClass: DEVICE_CLASSES[Math.floor(Math.random() * DEVICE_CLASSES.length)],
        },
      }),
    });
    await res.arrayBuffer();
    t.ofrep.push(performance.now() - t0);
    if (res.status !== 200) t.errors[`ofrep ${res.status}`] = (t.errors[`ofrep ${res.status}`] ?? 0) + 1;
  } catch {
    t.errors['ofrep network'] = (t.errors['ofrep network'] ?? 0) + 1;
  }
}

function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den > 0 ? num / den : NaN;
}

async function countStored(dataDir: string): Promise<number> {
  process.env.SWARMDECK_DATA_DIR = dataDir;
  delete process.env.CLICKHOUSE_URL;
  const { query, closeStore } = await import('../server/clickhouse/client');
  const { z } = await import('zod');
  try {
    const [r] = await query('SELECT count() AS n FROM telemetry_raw', {}, z.object({ n: z.coerce.number() }));
    return r!.n;
  } finally {
    await closeStore();
  }
}

async function main() {
  ensureBuild(DIST, { skip: Boolean(flags['no-build']), log });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-soak-'));
  const server = await startServer(dataDir);
  log(
    `soak: ${MINUTES} min against ${server.url} (store ${dataDir}), ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  let stopped = false;
  try {
    const max = await measureMax(server.url);
    const target = max / 2;
    log(
      `maximum: ${max.toFixed(0)} reports/s (${CLIENTS} clients × batches of ${BATCH}, ${PROBE_S} s); soaking at ${target.toFixed(0)} reports/s, OFREP ${OFREP_RPS}/s, dashboard queries back to back every ${QUERY_EVERY_MS} ms`,
    );
    const cookie = await signIn(server.url);
    const startAccepted = acceptedTotal;

    const minutes: (Tally & { rss: number[] })[] = [];
    const rssSamples: { x: number; y: number }[] = [];
    const t0 = Date.now();
    const end = t0 + MINUTES * 60_000;
    const current = () => minutes[Math.min(minutes.length - 1, Math.floor((Date.now() - t0) / 60_000))]!;
    for (let i = 0; i < MINUTES; i++) minutes.push({ ...fresh(), rss: [] });

    const inflight = new Set<Promise<void>>();
    const track = (p: Promise<void>) => {
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    };
    // Paced telemetry: a batch whenever the budget allows, at most CLIENTS in flight.
    const telemetry = (async () => {
      const perBatchMs = (BATCH / target) * 1000;
      let next = Date.now();
      while (Date.now() < end) {
        if (inflight.size < CLIENTS * 2) track(postBatch(server.url, current()));
        next += perBatchMs;
        await sleep(Math.max(0, next - Date.now()));
      }
    })();
    const flags = (async () => {
      const every = 1000 / OFREP_RPS;
      let next = Date.now();
      while (Date.now() < end) {
        track(ofrep(server.url, current()));
        next += every;
        await sleep(Math.max(0, next - Date.now()));
      }
    })();
    const queries = (async () => {
      let k = 0;
      while (Date.now() < end) {
        await dashboardQuery(server.url, cookie, k++ % 2 ? '24h' : '1h', current());
        await sleep(QUERY_EVERY_MS);
      }
    })();
    const sampler = (async () => {
      while (Date.now() < end) {
        const rss = server.rssMiB();
        current().rss.push(rss);
        rssSamples.push({ x: (Date.now() - t0) / 60_000, y: rss });
        await sleep(5_000);
      }
    })();
    const printer = (async () => {
      for (let m = 0; m < MINUTES; m++) {
        await sleep(Math.max(0, t0 + (m + 1) * 60_000 - Date.now() + 2_000));
        const t = minutes[m]!;
        const rss = t.rss.length ? t.rss.reduce((s, v) => s + v, 0) / t.rss.length : NaN;
        const errs =
          Object.entries(t.errors)
            .map(([k, v]) => `${k}×${v}`)
            .join(' ') || 'none';
        log(
          `min ${String(m + 1).padStart(2)}: ${(t.accepted / 60).toFixed(0).padStart(6)} reports/s  ack p99 ${ms(p99(t.acks)).padStart(8)}  query p99 ${ms(p99(t.queries)).padStart(8)} (${t.queries.length})  ofrep p99 ${ms(p99(t.ofrep)).padStart(7)}  rss ${rss.toFixed(0)} MiB  errors ${errs}`,
        );
      }
    })();
    await Promise.all([telemetry, flags, queries, sampler]);
    await Promise.all(inflight);
    await printer;

    const after = rssSamples.filter((p) => p.x >= WARMUP_MIN);
    const perMin = slope(after);
    const firstMin = minutes[Math.min(WARMUP_MIN, MINUTES - 1)]!.rss;
    const lastMin = minutes[MINUTES - 1]!.rss;
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    const growth = (mean(lastMin) - mean(firstMin)) / mean(firstMin);
    const ackP99 = minutes.map((t) => p99(t.acks));
    const qP99 = minutes.map((t) => p99(t.queries));
    log(
      `memory after ${WARMUP_MIN} min of warm-up: slope ${perMin.toFixed(2)} MiB/min; RSS minute ${WARMUP_MIN + 1} → ${MINUTES}: ${mean(firstMin).toFixed(0)} → ${mean(lastMin).toFixed(0)} MiB (${(growth * 100).toFixed(1)} %)`,
    );
    log(
      `ack p99 per minute: min ${ms(Math.min(...ackP99))}, max ${ms(Math.max(...ackP99))}; query p99 per minute: min ${ms(Math.min(...qP99))}, max ${ms(Math.max(...qP99))}`,
    );
    await server.stop();
    stopped = true;
    const stored = await countStored(dataDir);
    const acked = acceptedTotal;
    log(
      `accepted (acknowledged with 200): ${acked.toLocaleString('en-US')} reports (${(acked - startAccepted).toLocaleString('en-US')} during the soak); stored: ${stored.toLocaleString('en-US')} → ${acked === stored ? 'nothing lost' : `MISMATCH (${stored - acked})`}`,
    );
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exitCode = acked === stored ? 0 : 1;
  } finally {
    if (!stopped) await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
