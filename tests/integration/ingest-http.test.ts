import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exampleReport } from '@/lib/telemetry/example';
import { query } from '@/server/clickhouse/client';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';
import * as telemetry from '@/app/api/v1/telemetry/route';

const KEY = 'test-bootstrap-key-0123456789';
withFreshStore({ SWARMDECK_INGEST_KEY: KEY, SWARMDECK_INGEST_IP_RATE: '0', SWARMDECK_INGEST_LINGER_MS: '0' });

let url = '';
let close: () => Promise<void>;
beforeAll(async () => {
  const s = await serveRoutes({ '/api/v1/telemetry': telemetry });
  url = `${s.url}/api/v1/telemetry`;
  close = s.close;
});
afterAll(() => close?.());

let seq = 0;
const rid = (p = 'h') => `${p}-${Date.now().toString(36)}-${(seq++).toString().padStart(6, '0')}`;
const report = (over: Record<string, unknown> = {}) => exampleReport({ reportId: rid(), ...over });

async function post(body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, body: json as Record<string, unknown> };
}
const postJson = (reports: unknown[], headers: Record<string, string> = {}) => post(JSON.stringify({ reports }), headers);

async function countRaw(ids: string[]): Promise<number> {
  const [r] = await query('SELECT count() AS n FROM telemetry_raw WHERE report_id IN {ids:Array(String)}', { ids }, z.object({ n: z.coerce.number() }));
  return r!.n;
}

describe('POST /api/v1/telemetry', () => {
  it('stores a valid JSON batch and answers 200 with counts', async () => {
    const reports = [report(), report(), report()];
    const r = await postJson(reports);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ accepted: 3, duplicates: 0, rejected: 0, errors: [] });
    expect(await countRaw(reports.map((x) => x.reportId as string))).toBe(3);
  });
});
