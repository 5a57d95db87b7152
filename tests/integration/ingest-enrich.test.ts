import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exampleReport } from '@/lib/telemetry/example';
import { query } from '@/server/clickhouse/client';
import { resetEnvCache } from '@/server/env';
import { resetIngestConfig } from '@/server/ingest/config';
import { createIngestKey } from '@/server/ingest/keys';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';
import * as telemetry from '@/app/api/v1/telemetry/route';

const KEY = 'enrich-bootstrap-key-0123456789';
withFreshStore({
  SWARMDECK_INGEST_KEY: KEY,
  SWARMDECK_INGEST_IP_RATE: '0',
  SWARMDECK_INGEST_LINGER_MS: '0',
  TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8',
});

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
  exampleReport({ reportId: `en-${Date.now().toString(36)}-${(seq++).toString().padStart(6, '0')}`, ...over });

async function send(r: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ reports: [r] }),
  });
  expect(res.status).toBe(200);
  const [row] = await query(
    'SELECT asn, isp, country FROM telemetry_raw WHERE report_id = {id:String}',
    { id: r.reportId },
    z.object({ asn: z.coerce.number(), isp: z.string(), country: z.string() }),
  );
  return row!;
}

/** A row of the package's CSV, read here independently of server/ingest/geo.ts. */
function csvRow(file: string, asn: number): { start: bigint; name: string } {
  const text = fs.readFileSync(path.join(process.cwd(), 'node_modules/@ip-location-db/asn', file), 'utf8');
  const line = text.split('\n').find((l) => l.split(',')[2] === String(asn))!;
  const [start, , , ...name] = line.split(',');
  return { start: BigInt(start!), name: name.join(',').replace(/^"|"$/g, '') };
}
function v6Text(v: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((v >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':');
}

describe('enrichment from the client address', () => {
  it('maps an IPv4 client behind a trusted proxy to its real ASN (1.1.1.1 → 13335)', async () => {
    const row = await send(report(), { 'x-forwarded-for': '1.1.1.1' });
    expect(row).toMatchObject({ asn: 13335, isp: 'Cloudflare, Inc.' });
  });

  it('maps an IPv6 client to its real ASN', async () => {
    const dt = csvRow('asn-ipv6-num.csv', 3320);
    const row = await send(report(), { 'x-forwarded-for': v6Text(dt.start + 1n) });
    expect(row).toMatchObject({ asn: 3320, isp: dt.name });
  });

  it('treats an IPv4-mapped IPv6 address as IPv4', async () => {
    const row = await send(report(), { 'x-forwarded-for': '::ffff:1.1.1.1' });
    expect(row.asn).toBe(13335);
  });

  it('takes the right-most X-Forwarded-For address that is not a trusted proxy', async () => {
    const row = await send(report(), { 'x-forwarded-for': '203.0.113.9, 8.8.8.8, 10.1.2.3, 10.9.9.9' });
    expect(row).toMatchObject({ asn: 15169, country: 'US' });
  });

  it('maps private and unknown addresses to ASN 0, "unknown"', async () => {
    expect(await send(report(), { 'x-forwarded-for': '192.168.1.20' })).toEqual({
      asn: 0,
      isp: 'unknown',
      country: '',
    });
    expect(await send(report())).toEqual({ asn: 0, isp: 'unknown', country: '' });
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    process.env.TRUSTED_PROXIES = '10.0.0.0/8';
    resetEnvCache();
    try {
      expect((await send(report(), { 'x-forwarded-for': '1.1.1.1' })).asn).toBe(0);
    } finally {
      process.env.TRUSTED_PROXIES = '127.0.0.1, 10.0.0.0/8';
      resetEnvCache();
    }
  });

  it("honours a report's own asn only from a trusted relay key", async () => {
    expect((await send(report({ asn: 3320 }), { 'x-forwarded-for': '1.1.1.1' })).asn).toBe(13335);
    const relay = await createIngestKey(
      { name: 'relay', rateLimitPerSec: 1000, trustedRelay: true },
      { kind: 'user', id: 'u1', email: 'a@example.com' },
    );
    const row = await send(report({ asn: 3320 }), {
      authorization: `Bearer ${relay.key}`,
      'x-forwarded-for': '1.1.1.1',
    });
    expect(row).toMatchObject({ asn: 3320, isp: 'Deutsche Telekom AG' });
    // without an asn of its own, a relay's report is enriched from the address like any other
    expect((await send(report(), { authorization: `Bearer ${relay.key}`, 'x-forwarded-for': '1.1.1.1' })).asn).toBe(
      13335,
    );
  });
});
