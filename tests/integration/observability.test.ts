import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleReport } from '@/lib/telemetry/example';
import * as healthRoute from '@/app/api/health/route';
import * as readyRoute from '@/app/api/ready/route';
import * as metricsRoute from '@/app/metrics/route';
import * as telemetry from '@/app/api/v1/telemetry/route';
import * as ofrepAll from '@/app/ofrep/v1/evaluate/flags/route';
import { FLAG_KEYS } from '@/lib/rollout/rule';
import { resetIngestConfig } from '@/server/ingest/config';
import { resetObservabilityConfig } from '@/server/observability/config';
import { kill } from '@/server/rollout/service';
import { currentSnapshot, resetSnapshot } from '@/server/rollout/snapshot';
import { callerAs, headersAs } from '../helpers/auth';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';

const KEY = 'obs-test-ingest-key-0123456789';
const METRICS_TOKEN = 'obs-test-metrics-token-0123456789';
withFreshStore({
  SWARMDECK_INGEST_KEY: KEY,
  SWARMDECK_INGEST_IP_RATE: '0',
  SWARMDECK_INGEST_LINGER_MS: '0',
  SWARMDECK_METRICS_TOKEN: METRICS_TOKEN,
});

let srv: Awaited<ReturnType<typeof serveRoutes>>;
beforeAll(async () => {
  resetIngestConfig();
  resetObservabilityConfig();
  srv = await serveRoutes({
    '/metrics': metricsRoute,
    '/api/ready': readyRoute,
    '/api/health': healthRoute,
    '/api/v1/telemetry': telemetry,
    '/ofrep/v1/evaluate/flags': ofrepAll,
  });
});
afterAll(() => srv.close());

/** Sum of the samples of one series in a Prometheus exposition whose labels include all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/([a-zA-Z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[4]);
  }
  return total;
}

async function scrape(): Promise<string> {
  const res = await fetch(`${srv.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
}

let seq = 0;
const report = () =>
  exampleReport({
    reportId: `obs-${Date.now().toString(36)}-${seq++}`,
    deviceId: `dev-secret-${seq}`,
    sessionId: `sess-secret-${seq}`,
  });
async function post(reports: unknown[]) {
  return fetch(`${srv.url}/api/v1/telemetry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.77' },
    body: JSON.stringify({ reports }),
  });
}

describe('/metrics access', () => {
  it('refuses a request without credentials (401) and a wrong token (403)', async () => {
    const none = await fetch(`${srv.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await none.json()).error).toMatch(/SWARMDECK_METRICS_TOKEN/);
    const wrong = await fetch(`${srv.url}/metrics`, { headers: { authorization: 'Bearer not-the-metrics-token-000' } });
    expect(wrong.status).toBe(403);
    // the ingest key is no metrics credential
    expect((await fetch(`${srv.url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(403);
  });

  it('answers the token with the Prometheus text format', async () => {
    const res = await fetch(`${srv.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^# HELP swarmdeck_telemetry_reports_accepted_total /m);
    expect(text).toMatch(/^# TYPE swarmdeck_telemetry_ack_duration_seconds histogram$/m);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds\{/m);
  });

  it('answers an allowed address without a token, and only that address', async () => {
    process.env.SWARMDECK_METRICS_ALLOW = '10.1.2.0/24, 127.0.0.1';
    resetObservabilityConfig();
    try {
      expect((await fetch(`${srv.url}/metrics`)).status).toBe(200);
      process.env.SWARMDECK_METRICS_ALLOW = '10.1.2.0/24';
      resetObservabilityConfig();
      expect((await fetch(`${srv.url}/metrics`)).status).toBe(401);
    } finally {
      delete process.env.SWARMDECK_METRICS_ALLOW;
      resetObservabilityConfig();
    }
  });
});

describe('metrics count what happened', () => {
  it('telemetry accepted, duplicate and invalid reports, ack latency and writer batches', async () => {
    const before = await scrape();
    const a = [report(), report(), report(), report()];
    expect((await post(a)).status).toBe(200);
    // two again (duplicates), one new, one invalid
    const b = [a[0], a[1], report(), { reportId: 'broken' }];
    const r = await post(b);
    expect(await r.json()).toMatchObject({ accepted: 1, duplicates: 2, rejected: 1 });
    // a request refused whole: counted by reason, its reports not counted one by one
    const bogus = await fetch(`${srv.url}/api/v1/telemetry`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-an-ingest-key-0000', 'content-type': 'application/json' },
      body: '{"reports":[]}',
    });
    expect(bogus.status).toBe(401);
    const after = await scrape();
    const delta = (name: string, labels?: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(delta('swarmdeck_telemetry_reports_accepted_total')).toBe(5);
    expect(delta('swarmdeck_telemetry_requests_refused_total', { reason: 'unauthorized' })).toBe(1);
    expect(delta('swarmdeck_telemetry_reports_duplicate_total')).toBe(2);
    expect(delta('swarmdeck_telemetry_reports_rejected_total', { reason: 'invalid' })).toBe(1);
    expect(delta('swarmdeck_telemetry_ack_duration_seconds_count')).toBe(2);
    expect(delta('swarmdeck_ingest_writer_batch_rows_sum')).toBe(5);
    expect(sample(after, 'swarmdeck_telemetry_last_accepted_timestamp_seconds')).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
    expect(sample(after, 'swarmdeck_ingest_writer_queue_rows')).toBe(0);
    // No label or value carries a device, a session, a report id or the client's address.
    for (const x of [...a, b[2]] as { deviceId: string; sessionId: string; reportId: string }[]) {
      expect(after).not.toContain(x.deviceId);
      expect(after).not.toContain(x.sessionId);
      expect(after).not.toContain(x.reportId);
    }
    expect(after).not.toContain('203.0.113.77');
    expect(after).not.toContain('127.0.0.1');
  });

  it('console procedures by name, and the kill switch as a rollout decision', async () => {
    const before = await scrape();
    const admin = await callerAs('admin');
    await admin.caller.store.status();
    const ofrep = await fetch(`${srv.url}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ context: { targetingKey: 'dev-secret-ofrep', deviceClass: 'desktop' } }),
    });
    const answered = ((await ofrep.json()) as { flags: { key: string; reason: string }[] }).flags;
    expect(answered).toHaveLength(FLAG_KEYS.length);
    await kill({
      actor: { kind: 'user', id: admin.user.id, email: admin.user.email },
      target: 'smart_tv',
      reason: 'metrics test',
    });
    const after = await scrape();
    const delta = (name: string, labels?: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(delta('swarmdeck_store_query_duration_seconds_count', { procedure: 'store.status', outcome: 'ok' })).toBe(1);
    expect(delta('swarmdeck_rollout_decisions_total', { action: 'kill' })).toBe(1);
    expect(delta('swarmdeck_ofrep_evaluations_total')).toBe(FLAG_KEYS.length);
    for (const f of answered)
      expect(delta('swarmdeck_ofrep_evaluations_total', { flag: f.key, reason: f.reason })).toBe(1);
    expect(after).not.toContain('dev-secret-ofrep');
  });
});

describe('/api/ready and /api/health', () => {
  it('is not ready until the rollout snapshot is loaded, then ready; anonymous callers get no details', async () => {
    resetSnapshot();
    const notYet = await fetch(`${srv.url}/api/ready`);
    expect(notYet.status).toBe(503);
    expect(await notYet.json()).toEqual({
      status: 'not_ready',
      checks: { store: 'ok', migrations: 'ok', rollouts: 'not_loaded' },
    });
    await currentSnapshot();
    const ready = await fetch(`${srv.url}/api/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { store: 'ok', migrations: 'ok', rollouts: 'ok' } });
  });

  it('reports a pending migration to the load balancer', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-mig-'));
    for (const f of fs.readdirSync('migrations')) fs.copyFileSync(path.join('migrations', f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, '9999_later.sql'), 'SELECT 1;\n');
    process.env.SWARMDECK_MIGRATIONS_DIR = dir;
    try {
      const res = await fetch(`${srv.url}/api/ready`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect((await res.json()).checks.migrations).toBe('pending');
    } finally {
      delete process.env.SWARMDECK_MIGRATIONS_DIR;
    }
  });

  it('/api/health shows the raw failure (a server path) to an admin only', async () => {
    const missing = `/nonexistent/swarmdeck-migrations-${Date.now()}`;
    process.env.SWARMDECK_MIGRATIONS_DIR = missing;
    try {
      const anon = await fetch(`${srv.url}/api/health`);
      expect(anon.status).toBe(503);
      const anonText = await anon.text();
      expect(anonText).not.toContain(missing);
      expect(anonText).not.toContain('ENOENT');
      expect(JSON.parse(anonText).reason).toMatch(/does not answer/);
      const { headers } = await headersAs('viewer');
      expect(await (await fetch(`${srv.url}/api/health`, { headers })).text()).not.toContain(missing);
      const admin = await headersAs('admin');
      const detailed = await fetch(`${srv.url}/api/health`, { headers: admin.headers });
      expect(await detailed.text()).toContain(missing);
    } finally {
      delete process.env.SWARMDECK_MIGRATIONS_DIR;
    }
  });
});

describe('System page data (store.system)', () => {
  it('shows the reports received this hour, the last one, every table and the process', async () => {
    const admin = await callerAs('admin');
    const sent = [report(), report(), report()];
    const t0 = Date.now();
    expect((await post(sent)).status).toBe(200);
    const s = await admin.caller.store.system();
    // 5 stored by the metrics test above, 3 here: all inside the last hour
    expect(s.ingestion.hourTotal).toBe(8);
    expect(s.ingestion.minutes).toHaveLength(60);
    expect(s.ingestion.minutes.reduce((n, m) => n + m.reports, 0)).toBe(8);
    expect(s.ingestion.hourRatePerSec).toBeCloseTo(8 / 3600, 9);
    expect(s.ingestion.lastReportAt).toBeGreaterThanOrEqual(t0 - 1000);
    expect(s.ingestion.lastReportAt).toBeLessThanOrEqual(Date.now());
    expect(s.tables.find((t) => t.table === 'telemetry_raw')?.rows).toBe(8);
    expect(s.tables.find((t) => t.table === 'telemetry_raw')?.bytes).toBeGreaterThan(0);
    expect(s.migrations.pending).toBe(0);
    expect(s.migrations.latest.length).toBeGreaterThan(0);
    expect(s.process.uptimeSec).toBeGreaterThan(0);
    expect(s.writer.queueRows).toBe(0);
    expect(s.writer.insert.count).toBeGreaterThanOrEqual(3);
    const viewer = await callerAs('viewer');
    await expect(viewer.caller.store.system()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
