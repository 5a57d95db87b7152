/**
 * `npm run bench:ofrep [-- --duration 10 --connections 32 --rate 1000 --dist .next-rollouts --no-build]`
 *
 * Against the production build (built into --dist unless it already holds one), on a fresh store:
 * 1. smart_tv enabled at 50% with a 10% holdback (proposed by the admin, approved by a second user).
 * 2. Closed loop, --connections keep-alive connections for --duration s each, alternating twice:
 *    POST /api/ping (the ceiling: the cheapest route of the same server) and
 *    POST /ofrep/v1/evaluate/flags/p2p-mode (a single-flag evaluation, a new device id each request).
 *    Prints requests/s, p50/p99 and the OFREP/ceiling ratio (best run of each).
 * 3. Open loop at --rate requests/s for --duration s on the OFREP route: p50/p99 measured from each
 *    request's scheduled start (so a stall is not hidden by the client waiting).
 */
import fs from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { ensureBuild } from './next-build';

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    rate: { type: 'string', default: '1000' },
    dist: { type: 'string', default: '.next-rollouts' },
    'no-build': { type: 'boolean', default: false },
  },
  strict: false,
});
const DURATION_MS = Number(flags.duration) * 1000;
const CONNECTIONS = Number(flags.connections);
const RATE = Number(flags.rate);
const DIST = String(flags.dist);
const KEY = 'bench-ofrep-key-0123456789abcdef';

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Target {
  path: string;
  body: (i: number) => string;
  headers: Record<string, string>;
}

function request(agent: http.Agent, base: URL, t: Target, i: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = t.body(i);
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path: t.path,
        method: 'POST',
        headers: { ...t.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function closedLoop(base: URL, t: Target): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const lat: number[] = [];
  let errors = 0;
  let i = 0;
  const end = Date.now() + DURATION_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        const status = await request(agent, base, t, i++).catch(() => 0);
        lat.push(performance.now() - t0);
        if (status !== 200) errors++;
      }
    }),
  );
  const secs = (performance.now() - started) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { rps: lat.length / secs, p50: pct(lat, 50), p99: pct(lat, 99), errors };
}

async function openLoop(
  base: URL,
  t: Target,
  rate: number,
): Promise<{ sent: number; p50: number; p99: number; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const lat: number[] = [];
  let errors = 0;
  const total = Math.round((rate * DURATION_MS) / 1000);
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const scheduled = start + (n * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      request(agent, base, t, n)
        .then((s) => {
          if (s !== 200) errors++;
        })
        .catch(() => {
          errors++;
        })
        .finally(() => {
          lat.push(performance.now() - scheduled);
        }),
    );
  }
  await Promise.all(inflight);
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { sent: total, p50: pct(lat, 50), p99: pct(lat, 99), errors };
}

async function trpc(
  base: string,
  cookie: string,
  proc: string,
  input: unknown,
  kind: 'query' | 'mutation' = 'mutation',
): Promise<unknown> {
  const payload = JSON.stringify({ json: input });
  const res =
    kind === 'query'
      ? await fetch(`${base}/api/trpc/${proc}?input=${encodeURIComponent(payload)}`, { headers: { cookie } })
      : await fetch(`${base}/api/trpc/${proc}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie, 'x-swarmdeck-csrf': '1' },
          body: payload,
        });
  const body = (await res.json()) as { result?: { data?: { json?: unknown } }; error?: unknown };
  if (!res.ok) throw new Error(`${proc}: ${res.status} ${JSON.stringify(body.error)}`);
  return body.result?.data?.json;
}

async function main() {
  ensureBuild(DIST, { skip: Boolean(flags['no-build']) });
  process.env.SWARMDECK_TEST_DIST_DIR = DIST;
  const { startApp } = await import('../tests/helpers/app');
  const { ADMIN_ENV, ADMIN_EMAIL, ADMIN_PASSWORD, addUser, cookieFor } = await import('../tests/helpers/auth');
  const app = await startApp({
    env: {
      ...ADMIN_ENV,
      SWARMDECK_INGEST_KEY: KEY,
      SWARMDECK_SESSION_SECRET: 'bench-ofrep-session-secret-0123456789abcdef',
      SWARMDECK_GUARDRAIL_INTERVAL_SECONDS: '0',
    },
  });
  try {
    try {
      const admin = await cookieFor(app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
      const approver = await addUser(app, 'approver');
      const approverCookie = await cookieFor(app.url, approver.email, approver.password);
      const list = (await trpc(app.url, admin, 'rollouts.list', {}, 'query')) as {
        classes: { deviceClass: string; version: number; rule: Record<string, unknown> }[];
      };
      const tv = list.classes.find((c) => c.deviceClass === 'smart_tv')!;
      const res = (await trpc(app.url, admin, 'rollouts.propose', {
        deviceClass: 'smart_tv',
        rule: { ...tv.rule, state: 'enabled', percentage: 50, holdbackPercentage: 10 },
        baseVersion: tv.version,
        reason: 'benchmark',
      })) as { outcome: string; requestId?: string };
      if (res.requestId)
        await trpc(app.url, approverCookie, 'rollouts.approve', {
          id: res.requestId,
          revision: 1,
          comment: 'benchmark',
        });
      console.log('smart_tv enabled at 50% with a 10% holdback');
    } catch (err) {
      console.log(`could not enable smart_tv (${(err as Error).message}); measuring the disabled config`);
    }
    const base = new URL(app.url);
    const ping: Target = { path: '/api/ping', body: () => '{}', headers: {} };
    const ofrep: Target = {
      path: '/ofrep/v1/evaluate/flags/p2p-mode',
      body: (i) =>
        JSON.stringify({
          context: {
            targetingKey: `bench-device-${i}`,
            deviceClass: 'smart_tv',
            clientVersion: '7.12.0',
            country: 'US',
            asn: 7922,
          },
        }),
      headers: { authorization: `Bearer ${KEY}` },
    };
    // Warm-up: JIT, route compilation caches, snapshot load.
    await closedLoop(base, ping).catch(() => undefined);
    const pingRuns = [];
    const ofrepRuns = [];
    for (let round = 0; round < 2; round++) {
      pingRuns.push(await closedLoop(base, ping));
      ofrepRuns.push(await closedLoop(base, ofrep));
    }
    const best = <T extends { rps: number }>(xs: T[]) => xs.reduce((a, b) => (b.rps > a.rps ? b : a));
    const p = best(pingRuns);
    const o = best(ofrepRuns);
    const f = (x: number) => x.toFixed(2);
    console.log(`\nclosed loop, ${CONNECTIONS} connections, ${DURATION_MS / 1000} s per run (best of 2):`);
    console.log(
      `  ceiling POST /api/ping                  ${p.rps.toFixed(0)} req/s  p50 ${f(p.p50)} ms  p99 ${f(p.p99)} ms  errors ${p.errors}`,
    );
    console.log(
      `  POST /ofrep/v1/evaluate/flags/p2p-mode  ${o.rps.toFixed(0)} req/s  p50 ${f(o.p50)} ms  p99 ${f(o.p99)} ms  errors ${o.errors}`,
    );
    console.log(`  OFREP / ceiling: ${((o.rps / p.rps) * 100).toFixed(1)}% (target ≥ 50%)`);
    const paced = await openLoop(base, ofrep, RATE);
    console.log(`\nopen loop, ${RATE} req/s for ${DURATION_MS / 1000} s on the OFREP route:`);
    console.log(
      `  ${paced.sent} requests  p50 ${f(paced.p50)} ms  p99 ${f(paced.p99)} ms  errors ${paced.errors} (target p99 ≤ 10 ms)`,
    );
    if (p.rps < RATE * 1.5) {
      // The machine cannot carry the target rate with headroom right now: also pace at half the ceiling.
      const half = Math.max(10, Math.round(p.rps / 2));
      const h = await openLoop(base, ofrep, half);
      console.log(
        `  (ceiling only ${p.rps.toFixed(0)} req/s here) at ${half} req/s: p50 ${f(h.p50)} ms  p99 ${f(h.p99)} ms  errors ${h.errors}`,
      );
    }
  } finally {
    await app.stop();
    fs.rmSync(app.dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
