import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exampleReport } from '@/lib/telemetry/example';
import { TelemetryReport } from '@/lib/telemetry/schema';
import { closeStore, query } from '@/server/clickhouse/client';
import { resetIngestConfig } from '@/server/ingest/config';
import { ingestReports } from '@/server/ingest/ingest';
import { ingestWriter, resetIngestWriter } from '@/server/ingest/writer';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';
import * as telemetry from '@/app/api/v1/telemetry/route';

const KEY = 'dedup-bootstrap-key-0123456789';
withFreshStore({ SWARMDECK_INGEST_KEY: KEY, SWARMDECK_INGEST_IP_RATE: '0', SWARMDECK_INGEST_LINGER_MS: '0' });

let url = '';
let close: () => Promise<void>;
beforeAll(async () => {
  resetIngestConfig();
  const s = await serveRoutes({ '/api/v1/telemetry': telemetry });
  url = `${s.url}/api/v1/telemetry`;
  close = s.close;
});
afterAll(() => close?.());

let seq = 0;
const report = (over: Record<string, unknown> = {}) =>
  exampleReport({ reportId: `dd-${Date.now().toString(36)}-${(seq++).toString().padStart(6, '0')}`, ...over });

async function postJson(reports: unknown[]) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ reports }),
  });
  return { status: res.status, body: (await res.json()) as { accepted: number; duplicates: number; rejected: number } };
}

const N = z.object({ n: z.coerce.number() });
const count = async (table: 'telemetry_raw' | 'telemetry_flows', ids: string[]) =>
  (await query(`SELECT count() AS n FROM ${table} WHERE report_id IN {ids:Array(String)}`, { ids }, N))[0]!.n;
const sumCdn = async (ids: string[]) =>
  (await query('SELECT sum(bytes_cdn) AS n FROM telemetry_raw WHERE report_id IN {ids:Array(String)}', { ids }, N))[0]!
    .n;
const idsOf = (rs: Record<string, unknown>[]) => rs.map((x) => x.reportId as string);

describe('exactly once by reportId', () => {
  it('counts a report repeated within one request once', async () => {
    const a = report();
    const b = report();
    const r = await postJson([a, b, a, a]);
    expect(r.body).toEqual({ accepted: 2, duplicates: 2, rejected: 0, errors: [] });
    expect(await count('telemetry_raw', idsOf([a, b]))).toBe(2);
    // each report carries two flows (two remote ASNs): one flow row per report x ASN
    expect(await count('telemetry_flows', idsOf([a, b]))).toBe(4);
  });

  it('answers a retry in a later request as a duplicate', async () => {
    const batch = [report(), report(), report()];
    expect((await postJson(batch)).body).toMatchObject({ accepted: 3, duplicates: 0 });
    const again = await postJson([...batch, report()]);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accepted: 1, duplicates: 3 });
    expect(await count('telemetry_raw', idsOf(batch))).toBe(3);
    expect(await sumCdn(idsOf(batch))).toBe(3 * 1000);
  });

  it('stores two concurrent copies once', async () => {
    const batch = Array.from({ length: 50 }, () => report());
    const [r1, r2] = await Promise.all([postJson(batch), postJson(batch)]);
    expect(r1.status).toBe(200);
    expect(r2.status).toBe(200);
    expect(r1.body.accepted + r2.body.accepted).toBe(50);
    expect(r1.body.duplicates + r2.body.duplicates).toBe(50);
    expect(await count('telemetry_raw', idsOf(batch))).toBe(50);
    expect(await count('telemetry_flows', idsOf(batch))).toBe(100);
  });

  it('stores many concurrent overlapping requests once each', async () => {
    const pool = Array.from({ length: 200 }, () => report());
    const requests = Array.from({ length: 8 }, (_, k) => pool.filter((_, i) => (i + k) % 3 !== 0));
    const results = await Promise.all(requests.map((b) => postJson(b)));
    const accepted = results.reduce((s, r) => s + r.body.accepted, 0);
    const sent = requests.reduce((s, b) => s + b.length, 0);
    expect(accepted).toBe(200);
    expect(results.reduce((s, r) => s + r.body.duplicates, 0)).toBe(sent - 200);
    expect(await count('telemetry_raw', idsOf(pool))).toBe(200);
  });

  it('stores overlapping large concurrent requests once (large enough for two inserts in flight)', async () => {
    const pool = Array.from({ length: 6000 }, () => report());
    const requests = [
      pool.slice(0, 3000),
      pool.slice(2000, 5000),
      pool.slice(3000, 6000),
      pool.slice(0, 3000),
      pool.slice(4500, 6000),
    ];
    const results = await Promise.all(requests.map((b) => postJson(b)));
    for (const r of results) expect(r.status).toBe(200);
    expect(results.reduce((s, r) => s + r.body.accepted, 0)).toBe(6000);
    expect(results.reduce((s, r) => s + r.body.duplicates, 0)).toBe(3000 * 4 + 1500 - 6000);
    expect(await count('telemetry_raw', idsOf(pool))).toBe(6000);
    expect(await count('telemetry_flows', idsOf(pool))).toBe(12000);
  });

  it('answers duplicates from the persistent index alone (no in-memory cache)', async () => {
    const batch = [report(), report()];
    expect((await postJson(batch)).body.accepted).toBe(2);
    ingestWriter().forgetCache();
    expect((await postJson(batch)).body).toMatchObject({ accepted: 0, duplicates: 2 });
  });

  it('keeps answering duplicates after the store is closed and reopened on the same directory', async () => {
    const batch = [report(), report(), report()];
    expect((await postJson(batch)).body.accepted).toBe(3);
    await closeStore();
    await resetIngestWriter();
    const again = await postJson([...batch, report()]);
    expect(again.body).toMatchObject({ accepted: 1, duplicates: 3 });
    expect(await count('telemetry_raw', idsOf(batch))).toBe(3);
  });

  it('ingestReports (no HTTP) shares the same exactly-once path and lets a relay set the ASN', async () => {
    const reports = [report({ asn: 3320 }), report({ asn: 13335 })].map((r) => TelemetryReport.parse(r));
    const first = await ingestReports(reports, { keyId: 'backfill', trustedRelay: true });
    expect(first).toEqual({ accepted: 2, duplicates: 0 });
    expect(await ingestReports(reports, { keyId: 'backfill', trustedRelay: true })).toEqual({
      accepted: 0,
      duplicates: 2,
    });
    const rows = await query(
      'SELECT asn, isp, ingest_key_id FROM telemetry_raw WHERE report_id IN {ids:Array(String)} ORDER BY asn',
      { ids: reports.map((r) => r.reportId) },
      z.object({ asn: z.coerce.number(), isp: z.string(), ingest_key_id: z.string() }),
    );
    expect(rows).toEqual([
      { asn: 3320, isp: 'Deutsche Telekom AG', ingest_key_id: 'backfill' },
      { asn: 13335, isp: 'Cloudflare, Inc.', ingest_key_id: 'backfill' },
    ]);
  });
});
