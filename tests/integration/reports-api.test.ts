import ExcelJS from 'exceljs';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '@/server/clickhouse/client';
import { createIngestKey } from '@/server/ingest/keys';
import * as telemetryRoute from '@/app/api/v1/telemetry/route';
import { z } from 'zod';
import * as reportRoute from '@/app/api/v1/reports/isp/route';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';
import {
  ASN_A,
  ASN_B,
  ASN_C,
  ASN_QUIET,
  EXPECTED_HEADER,
  buildDataset,
  dayStart,
  expectedReport,
  parseCsv,
  utcDay,
  type Sent,
} from './reports-fixtures';

const TOKEN = 'reports-test-token-0123456789';
withFreshStore({ SWARMDECK_REPORTS_TOKEN: TOKEN, SWARMDECK_INGEST_KEY: 'ingest-test-key-0123456789' });

const DAY = 86_400_000;
const NOW = Date.now();
const data: Sent[] = buildDataset(NOW);
const FROM = utcDay(dayStart(NOW) - 4 * DAY);
const TO = utcDay(NOW);
const ASNS = [ASN_A, ASN_B, ASN_QUIET];
let api: { url: string; close(): Promise<void> };
let names: Map<number, string>;

/** Through the real telemetry endpoint, with a trusted-relay key so each report keeps its own `asn`. */
async function ingest(sent: Sent[]) {
  const { key } = await createIngestKey(
    { name: 'reports-test relay', rateLimitPerSec: 1_000_000, trustedRelay: true },
    { kind: 'system', id: 'test' },
  );
  for (let i = 0; i < sent.length; i += 500) {
    const res = await fetch(`${api.url}/api/v1/telemetry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reports: sent.slice(i, i + 500).map((s) => s.report) }),
    });
    const body = (await res.json()) as { accepted: number; rejected: number };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ accepted: Math.min(500, sent.length - i), rejected: 0 });
  }
}

beforeAll(async () => {
  api = await serveRoutes({ '/api/v1/reports/isp': reportRoute, '/api/v1/telemetry': telemetryRoute });
  await ingest(data);
  // The ISP names are whatever enrichment stored with the raw reports.
  const rows = await query(
    'SELECT asn, any(isp) AS isp FROM telemetry_raw GROUP BY asn',
    {},
    z.object({ asn: z.number(), isp: z.string() }),
  );
  names = new Map(rows.map((r) => [r.asn, r.isp]));
});
afterAll(async () => api?.close());

function reportUrl(params: Record<string, string | string[]>) {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) sp.append(k, x);
  return `${api.url}/api/v1/reports/isp?${sp}`;
}

/** Fetches a report and the moment it was computed at; retried if a 5-minute boundary passed meanwhile. */
async function fetchReport(format: string, extra: Record<string, string | string[]> = {}) {
  for (;;) {
    const t0 = Date.now();
    const res = await fetch(reportUrl({ asn: ASNS.map(String), from: FROM, to: TO, format, ...extra }), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const t1 = Date.now();
    if (Math.floor(t0 / 300_000) === Math.floor(t1 / 300_000)) return { res, now: t1 };
  }
}

describe('GET /api/v1/reports/isp', () => {
  it('CSV: exact header and every cell equal to the independent computation', async () => {
    const { res, now } = await fetchReport('csv');
    expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    const text = await res.text();
    expect(text.split('\r\n')[0]).toBe(EXPECTED_HEADER);
    const [header, ...lines] = parseCsv(text);
    const want = expectedReport(data, ASNS, FROM, TO, now, names);
    expect(lines).toHaveLength(want.rows.length);
    expect(lines.map((l) => Object.fromEntries(header!.map((h, i) => [h, l[i]])))).toEqual(want.rows);
    // the dataset exercises what it claims to
    const row = (asn: number, day: number) =>
      want.rows.find((r) => r.asn === String(asn) && r.date === utcDay(dayStart(now) - day * DAY))!;
    expect(row(ASN_A, 4).delivered_cdn_bytes).toBe('0');
    expect(row(ASN_A, 4).balance).toBe('');
    expect(row(ASN_B, 2).sessions).toBe('0');
    expect(Number(row(ASN_A, 2).peak_mbps_p95)).toBeGreaterThan(0);
    expect(row(ASN_B, 3).balance).toBe('');
    expect(row(ASN_B, 1).rebuffer_ratio).toBe('');
  });

  it('JSON: rows and totals with numbers, null for undefined ratios', async () => {
    const { res, now } = await fetchReport('json');
    expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
    const body = (await res.json()) as { rows: Record<string, unknown>[]; totals: Record<string, unknown>[] };
    const want = expectedReport(data, ASNS, FROM, TO, now, names);
    const asJson = (r: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, k === 'date' || k === 'isp' ? v : v === '' ? null : Number(v)]),
      );
    expect(body.rows).toEqual(want.rows.map(asJson));
    expect(body.totals).toEqual(want.totals.map(asJson));
    const totalA = body.totals.find((t) => t.asn === ASN_A)!;
    // distinct sessions over the range are exact, not the sum of the days
    const sessionsA = new Set(data.filter((s) => s.asn === ASN_A).map((s) => s.report.sessionId)).size;
    expect(totalA.sessions).toBe(sessionsA);
  });

  it('XLSX: daily and totals sheets read back equal, numbers as numbers', async () => {
    const { res, now } = await fetchReport('xlsx');
    expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const want = expectedReport(data, ASNS, FROM, TO, now, names);
    const sheet = (name: string) => {
      const ws = wb.getWorksheet(name)!;
      const rows: unknown[][] = [];
      ws.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
      return rows;
    };
    const daily = sheet('daily');
    expect(daily[0]).toEqual([
      'date (UTC)',
      'asn',
      'isp',
      'delivered_cdn_bytes (bytes)',
      'p2p_intra_bytes (bytes)',
      'p2p_in_bytes (bytes)',
      'p2p_out_bytes (bytes)',
      'balance (out/in)',
      'offload_ratio (0-1)',
      'peak_mbps_p95 (Mbit/s)',
      'sessions (count)',
      'play_hours (h)',
      'rebuffer_ratio (0-1)',
    ]);
    const cells = (r: Record<string, string>) =>
      Object.entries(r).map(([k, v]) => (k === 'date' || k === 'isp' ? v : v === '' ? undefined : Number(v)));
    // exceljs leaves trailing empty cells out of a row's values
    const trim = (a: unknown[]) => {
      const b = [...a];
      while (b.length && b[b.length - 1] === undefined) b.pop();
      return b;
    };
    expect(daily.slice(1).map(trim)).toEqual(want.rows.map(cells).map(trim));
    expect(sheet('totals').slice(1).map(trim)).toEqual(want.totals.map(cells).map(trim));
    for (const v of daily[1]!.slice(3, 7)) expect(typeof v).toBe('number');
  });

  it('PDF: one section per ISP with the headline numbers', async () => {
    const { res, now } = await fetchReport('pdf');
    expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
    const buf = Buffer.from(await res.arrayBuffer());
    expect(buf.subarray(0, 5).toString()).toBe('%PDF-');
    const parser = new PDFParse({ data: new Uint8Array(buf) });
    const parsed = await parser.getText();
    await parser.destroy();
    const text = parsed.text;
    const want = expectedReport(data, ASNS, FROM, TO, now, names);
    const group = (s: string) => s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    for (const t of want.totals) {
      expect(text).toContain(`(AS${t.asn})`);
      expect(text).toContain(`${group(t.delivered_cdn_bytes!)} bytes`);
      expect(text).toContain(`${group(t.p2p_in_bytes!)} bytes`);
      expect(text).toContain(`${group(t.p2p_out_bytes!)} bytes`);
      expect(text).toContain(`${t.peak_mbps_p95} Mbit/s`);
      if (t.balance) expect(text).toContain(t.balance);
    }
    expect(text).toContain('Appendix: what every figure means');
    // a section per ISP on its own page, plus the appendix
    expect(parsed.pages.length).toBeGreaterThanOrEqual(ASNS.length + 1);
    for (const t of want.totals) {
      const first = parsed.pages.find((p) => p.text.includes(`(AS${t.asn})`));
      expect(first?.text).toContain('Headline figures');
    }
    // partners: ASN A's top partner by cross-ISP flow is ASN B
    const pageA = parsed.pages.find((p) => p.text.includes(`(AS${ASN_A})`))!;
    expect(pageA.text).toContain(`AS${ASN_B}`);
    expect(pageA.text).toContain(`AS${ASN_C}`);
  });
});
