import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import ExcelJS from 'exceljs';
import * as reportRoute from '@/app/api/v1/reports/isp/route';
import { listAudit } from '@/server/audit/log';
import { insert, query } from '@/server/clickhouse/client';
import { createShareLink } from '@/server/reports/share-links';
import { callerAs, headersAs } from '../helpers/auth';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';
import { parseCsv } from './reports-fixtures';

const TOKEN = 'reports-access-token-0123456789';
withFreshStore({
  SWARMDECK_REPORTS_TOKEN: TOKEN,
  SWARMDECK_SESSION_SECRET: 'a-session-secret-for-tests-0123456789abcdef',
});

let api: { url: string; close(): Promise<void> };
const DAY = 86_400_000;
const today = new Date().toISOString().slice(0, 10);
const yesterday = new Date(Date.now() - DAY).toISOString().slice(0, 10);
const FAKE_ASN = 4_200_000_001;
const EVIL = '=HYPERLINK("http://evil.example","x")';

beforeAll(async () => {
  api = await serveRoutes({ '/api/v1/reports/isp': reportRoute });
  // A fake ASN whose ISP name is a formula: only reachable by writing the raw row directly.
  await insert('telemetry_raw', [
    {
      report_id: 'evil-000001',
      ts: Date.now() - 60_000,
      received_at: Date.now(),
      interval_ms: 1000,
      session_id: 's',
      device_id: 'd',
      peer_id: 'p',
      device_class: 'desktop',
      client_version: '1',
      content_id: 'c',
      swarm_id: 'w',
      p2p_mode: 'off',
      cohort: 'control',
      config_version: 0,
      opt_out: 0,
      asn: FAKE_ASN,
      isp: EVIL,
      country: '',
      bytes_cdn: 1000,
      bytes_p2p_down: 0,
      bytes_p2p_up: 0,
      flows_peer_asn: [],
      flows_down: [],
      flows_up: [],
      peers_connected: 0,
      swarm_size: 0,
      peer_attempts: 0,
      peer_failures: 0,
      play_ms: 900,
      rebuffer_ms: 0,
      rebuffer_count: 0,
      startup_ms: null,
      bitrate_kbps: 0,
      fatal_error: '',
      cache_bytes: null,
      ingest_key_id: 'test',
    },
  ]);
});
afterAll(async () => api?.close());

const get = (qs: string, headers: Record<string, string> | Headers = { authorization: `Bearer ${TOKEN}` }) =>
  fetch(`${api.url}/api/v1/reports/isp?${qs}`, { headers });

describe('report parameters', () => {
  const cases: [string, string][] = [
    [`from=${today}&to=${today}&format=csv`, 'asn'],
    [`asn=abc&from=${today}&to=${today}&format=csv`, 'asn'],
    [`asn=-1&from=${today}&to=${today}&format=csv`, 'asn'],
    [`asn=4294967296&from=${today}&to=${today}&format=csv`, 'asn'],
    [`asn=3320&asn=1.5&from=${today}&to=${today}&format=csv`, 'asn'],
    [`asn=3320&to=${today}&format=csv`, 'from'],
    [`asn=3320&from=2026-13-01&to=${today}&format=csv`, 'from'],
    [`asn=3320&from=2026-02-30&to=${today}&format=csv`, 'from'],
    [`asn=3320&from=20261101&to=${today}&format=csv`, 'from'],
    [`asn=3320&from=${today}&from=${today}&to=${today}&format=csv`, 'from'],
    [`asn=3320&from=${today}&format=csv`, 'to'],
    [`asn=3320&from=${today}&to=yesterday&format=csv`, 'to'],
    [`asn=3320&from=${today}&to=${yesterday}&format=csv`, 'to'],
    [`asn=3320&from=2025-01-01&to=2026-02-05&format=csv`, 'to'],
    [`asn=3320&from=${today}&to=${today}`, 'format'],
    [`asn=3320&from=${today}&to=${today}&format=xml`, 'format'],
    [`asn=3320&from=${today}&to=${today}&format=CSV`, 'format'],
  ];
  it.each(cases)('400 for %s names %s', async (qs, parameter) => {
    const res = await get(qs);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; parameter: string };
    expect(body.parameter).toBe(parameter);
    expect(body.error.startsWith(`${parameter}:`)).toBe(true);
  });

  it('accepts exactly 400 days', async () => {
    const res = await get(`asn=3320&from=2025-01-01&to=2026-02-04&format=json`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: unknown[] };
    expect(body.rows).toHaveLength(400);
  });
});

describe('report auth', () => {
  const qs = `asn=${FAKE_ASN}&from=${today}&to=${today}&format=csv`;
  it('401 without credentials or with a wrong token', async () => {
    expect((await get(qs, {})).status).toBe(401);
    expect((await get(qs, { authorization: 'Bearer not-the-token-at-all' })).status).toBe(401);
    expect((await get(qs, { authorization: 'Basic abc' })).status).toBe(401);
  });
  it('a viewer session may download; the download is audited with who', async () => {
    const { user, headers } = await headersAs('viewer');
    const res = await get(qs, headers);
    expect(res.status).toBe(200);
    await res.text();
    const [entry] = await listAudit({ action: 'report.downloaded', actor: user.email, limit: 1 });
    expect(entry).toMatchObject({ actor_kind: 'user', actor_email: user.email, target_id: String(FAKE_ASN) });
    expect(JSON.parse(entry!.details)).toMatchObject({ format: 'csv', asns: [FAKE_ASN], from: today, to: today });
  });
  it('an API token created in the console works, and stops working when revoked', async () => {
    const { caller } = await callerAs('admin');
    const created = (await caller.apiTokens.create({ name: 'partner-bot', scope: 'reports' })) as {
      id: string;
      token: string;
    };
    expect((await get(qs, { authorization: `Bearer ${created.token}` })).status).toBe(200);
    await caller.apiTokens.revoke({ id: created.id });
    expect((await get(qs, { authorization: `Bearer ${created.token}` })).status).toBe(401);
  });
});

describe('spreadsheet-safe ISP names', () => {
  it('CSV and XLSX prefix a formula-like ISP name with an apostrophe', async () => {
    const csv = await (await get(`asn=${FAKE_ASN}&from=${today}&to=${today}&format=csv`)).text();
    const [, row] = parseCsv(csv);
    expect(row![2]).toBe(`'${EVIL}`);
    expect(row![3]).toBe('1000');
    const res = await get(`asn=${FAKE_ASN}&from=${today}&to=${today}&format=xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const cell = wb.getWorksheet('daily')!.getRow(2).getCell(3);
    expect(cell.value).toBe(`'${EVIL}`);
    expect(cell.formula).toBeUndefined();
  });
});

describe('share links', () => {
  it('operators create, list and revoke; viewers cannot', async () => {
    const viewer = await callerAs('viewer');
    await expect(
      viewer.caller.reports.createShareLink({ asns: [FAKE_ASN], from: today, to: today, expiresInHours: 1 }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const op = await callerAs('operator');
    const { link, token } = await op.caller.reports.createShareLink({
      asns: [FAKE_ASN],
      from: yesterday,
      to: today,
      expiresInHours: 24,
      label: 'for the peering call',
    });
    expect(token.length).toBeGreaterThanOrEqual(40);
    const stored = await query(
      'SELECT count() AS n FROM report_share_links WHERE position(toString(token_hash), {t:String}) > 0 OR position(label, {t:String}) > 0',
      { t: token },
      z.object({ n: z.coerce.number() }),
    );
    expect(stored[0]!.n).toBe(0); // only the hash is stored
    const list = await op.caller.reports.shareLinks();
    expect(list.find((l) => l.id === link.id)).toMatchObject({
      status: 'active',
      asns: [FAKE_ASN],
      from: yesterday,
      to: today,
      label: 'for the peering call',
    });

    // the link's own ASNs and dates by default, nothing outside them
    const res = await fetch(`${api.url}/api/v1/reports/isp?share=${token}&format=json`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: { date: string; asn: number }[] };
    expect(body.rows.map((r) => r.date)).toEqual([yesterday, today]);
    expect((await fetch(`${api.url}/api/v1/reports/isp?share=${token}&format=csv&asn=3320`)).status).toBe(403);
    expect(
      (
        await fetch(
          `${api.url}/api/v1/reports/isp?share=${token}&format=csv&from=${new Date(Date.now() - 5 * DAY).toISOString().slice(0, 10)}&to=${today}`,
        )
      ).status,
    ).toBe(403);
    const [audited] = await listAudit({ action: 'report.downloaded', limit: 1 });
    expect(audited).toMatchObject({ actor_kind: 'share', actor_id: link.id });

    await op.caller.reports.revokeShareLink({ id: link.id });
    expect((await fetch(`${api.url}/api/v1/reports/isp?share=${token}&format=csv`)).status).toBe(404);
    expect((await op.caller.reports.shareLinks()).find((l) => l.id === link.id)?.status).toBe('revoked');
    expect((await listAudit({ action: 'share_link.revoked', limit: 1 }))[0]?.target_id).toBe(link.id);
  });

  it('an expired or unknown token is 404', async () => {
    const { token } = await createShareLink(
      { kind: 'user', id: 'u1', email: 'op@test.local' },
      { asns: [FAKE_ASN], from: today, to: today, expiresInHours: 1 },
      Date.now() - 2 * 3_600_000,
    );
    expect((await fetch(`${api.url}/api/v1/reports/isp?share=${token}&format=csv`)).status).toBe(404);
    expect(
      (await fetch(`${api.url}/api/v1/reports/isp?share=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&format=csv`))
        .status,
    ).toBe(404);
    expect((await fetch(`${api.url}/api/v1/reports/isp?share=&format=csv`)).status).toBe(404);
  });

  it('the console lists recent downloads with who and when', async () => {
    const { caller } = await callerAs('viewer');
    const recent = await caller.reports.recentDownloads({ limit: 50 });
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.some((r) => r.via === 'share')).toBe(true);
    expect(recent.some((r) => r.via === 'user' && r.who.endsWith('@test.local'))).toBe(true);
    expect(recent[0]!.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('ISP search by name or ASN', async () => {
    const { caller } = await callerAs('viewer');
    expect((await caller.reports.isps({ q: String(FAKE_ASN) })).map((r) => r.asn)).toEqual([FAKE_ASN]);
    expect((await caller.reports.isps({ q: `AS${FAKE_ASN}` })).map((r) => r.asn)).toEqual([FAKE_ASN]);
    expect((await caller.reports.isps({ q: 'hyperlink' })).map((r) => r.asn)).toEqual([FAKE_ASN]);
    expect(await caller.reports.isps({ q: 'no such isp' })).toEqual([]);
  });
});
