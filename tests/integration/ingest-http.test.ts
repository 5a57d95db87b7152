import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exampleReport } from '@/lib/telemetry/example';
import { query } from '@/server/clickhouse/client';
import { resetIngestConfig } from '@/server/ingest/config';
import { createIngestKey, revokeIngestKey } from '@/server/ingest/keys';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';
import * as telemetry from '@/app/api/v1/telemetry/route';

const KEY = 'test-bootstrap-key-0123456789';
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
const rid = (p = 'h') => `${p}-${Date.now().toString(36)}-${(seq++).toString().padStart(6, '0')}`;
const report = (over: Record<string, unknown> = {}) => exampleReport({ reportId: rid(), ...over });
const ADMIN = { kind: 'user' as const, id: 'u-admin', email: 'admin@example.com' };

async function post(body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return {
    status: res.status,
    headers: res.headers,
    body: json as Record<string, unknown> & { errors?: { index: number; path: string; message: string }[] },
  };
}
const postJson = (reports: unknown[], headers: Record<string, string> = {}) =>
  post(JSON.stringify({ reports }), headers);
const ndjson = (lines: string[]) => lines.join('\n');

const N = z.object({ n: z.coerce.number() });
async function countRaw(ids: string[]): Promise<number> {
  const [r] = await query('SELECT count() AS n FROM telemetry_raw WHERE report_id IN {ids:Array(String)}', { ids }, N);
  return r!.n;
}
const idsOf = (rs: Record<string, unknown>[]) => rs.map((x) => x.reportId as string);

describe('POST /api/v1/telemetry: accepted bodies', () => {
  it('stores a valid JSON batch and answers 200 with counts', async () => {
    const reports = [report(), report(), report()];
    const r = await postJson(reports);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ accepted: 3, duplicates: 0, rejected: 0, errors: [] });
    expect(await countRaw(idsOf(reports))).toBe(3);
  });

  it('stores exactly the valid reports of a mixed batch and names each broken field by index and path', async () => {
    const good = [report(), report(), report()];
    const flowsBad = report({
      flows: [
        { peerAsn: 1, down: 1, up: 0 },
        { peerAsn: 2, down: 1, up: 0 },
        { peerAsn: 3, down: 1, up: 0 },
        { peerAsn: 4, down: -1, up: 0 },
      ],
    });
    const upBad = report({ p2pMode: 'download' });
    const failBad = report({ peers: { connected: 1, swarmSize: 1, attempts: 1, failures: 2 } });
    const batch = [good[0], flowsBad, good[1], upBad, failBad, { reportId: 'x' }, good[2]];
    const r = await postJson(batch);
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(3);
    expect(r.body.rejected).toBe(4);
    expect(r.body.duplicates).toBe(0);
    const errs = r.body.errors!;
    expect(errs).toContainEqual(expect.objectContaining({ index: 1, path: 'flows.3.down' }));
    expect(errs).toContainEqual(expect.objectContaining({ index: 3, path: 'bytes.p2pUp' }));
    expect(errs).toContainEqual(expect.objectContaining({ index: 4, path: 'peers.failures' }));
    expect(errs.filter((e) => e.index === 5).map((e) => e.path)).toContain('reportId');
    for (const e of errs) expect(typeof e.message).toBe('string');
    expect(await countRaw(idsOf(good))).toBe(3);
    expect(await countRaw(idsOf([flowsBad, upBad, failBad]))).toBe(0);
  });

  it('ignores unknown fields', async () => {
    const r0 = report({ somethingNew: { a: 1 }, bytes: { cdn: 7, p2pDown: 500, p2pUp: 200, future: 1 } });
    const r = await postJson([r0]);
    expect(r.body).toMatchObject({ accepted: 1, rejected: 0 });
    const [row] = await query(
      'SELECT bytes_cdn FROM telemetry_raw WHERE report_id = {id:String}',
      { id: r0.reportId },
      z.object({ bytes_cdn: z.coerce.number() }),
    );
    expect(row!.bytes_cdn).toBe(7);
  });

  it('stores every field of a report in its column', async () => {
    const ts = Date.now() - 60_000;
    const r0 = report({
      ts,
      optOut: true,
      qoe: {
        playMs: 20_000,
        rebufferMs: 500,
        rebufferCount: 2,
        startupMs: 1234,
        bitrateKbps: 3000,
        fatalError: 'E_DRM',
      },
      storage: { cacheBytes: 1_000_000 },
      flows: [
        { peerAsn: 3320, down: 100, up: 50 },
        { peerAsn: 3320, down: 200, up: 50 },
        { peerAsn: 0, down: 10, up: 0 },
      ],
    });
    expect((await postJson([r0])).status).toBe(200);
    const Row = z.object({
      ts_ms: z.coerce.number(),
      opt_out: z.coerce.number(),
      startup_ms: z.coerce.number().nullable(),
      fatal_error: z.string(),
      cache_bytes: z.coerce.number().nullable(),
      flows_peer_asn: z.array(z.coerce.number()),
      flows_down: z.array(z.coerce.number()),
      ingest_key_id: z.string(),
      received_ok: z.coerce.number(),
    });
    const [row] = await query(
      `SELECT toUnixTimestamp64Milli(ts) AS ts_ms, opt_out, startup_ms, fatal_error, cache_bytes, flows_peer_asn, flows_down, ingest_key_id,
              abs(dateDiff('second', received_at, now64(3))) < 120 AS received_ok
       FROM telemetry_raw WHERE report_id = {id:String}`,
      { id: r0.reportId },
      Row,
    );
    expect(row).toEqual({
      ts_ms: ts,
      opt_out: 1,
      startup_ms: 1234,
      fatal_error: 'E_DRM',
      cache_bytes: 1_000_000,
      flows_peer_asn: [3320, 0],
      flows_down: [300, 10],
      ingest_key_id: 'bootstrap',
      received_ok: 1,
    });
    const flows = await query(
      'SELECT peer_asn, down, up FROM telemetry_flows WHERE report_id = {id:String} ORDER BY peer_asn',
      { id: r0.reportId },
      z.object({ peer_asn: z.coerce.number(), down: z.coerce.number(), up: z.coerce.number() }),
    );
    expect(flows).toEqual([
      { peer_asn: 0, down: 10, up: 0 },
      { peer_asn: 3320, down: 300, up: 100 },
    ]);
  });

  it('accepts NDJSON: a bad line is rejected alone at its index, blank lines are skipped', async () => {
    const a = report();
    const b = report();
    const c = report({ intervalMs: 0 });
    const d = report();
    const body = ndjson([
      '',
      JSON.stringify(a),
      '{not json',
      '   ',
      JSON.stringify(b),
      JSON.stringify(c),
      '\r',
      JSON.stringify(d),
      '',
    ]);
    const r = await post(body, { 'content-type': 'application/x-ndjson' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 3, rejected: 2, duplicates: 0 });
    expect(r.body.errors).toEqual([
      { index: 1, path: '', message: expect.any(String) },
      { index: 3, path: 'intervalMs', message: expect.any(String) },
    ]);
    expect(await countRaw(idsOf([a, b, d]))).toBe(3);
  });

  it('rejects an NDJSON line of invalid UTF-8 alone', async () => {
    const a = report();
    const body = Buffer.concat([Buffer.from(JSON.stringify(a) + '\n'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a])]);
    const r = await post(body, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(r.body.errors![0]).toMatchObject({ index: 1, path: '' });
  });

  it('accepts charset=utf-8 in any case', async () => {
    for (const ct of [
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'Application/JSON; Charset="Utf-8"',
      'application/x-ndjson; charset=UTF-8',
    ]) {
      const r0 = report();
      const body = ct.includes('ndjson') ? JSON.stringify(r0) : JSON.stringify({ reports: [r0] });
      const r = await post(body, { 'content-type': ct });
      expect(r.status, ct).toBe(200);
    }
  });

  it('accepts gzip bodies (JSON and NDJSON)', async () => {
    const a = report();
    const b = report();
    const r1 = await post(zlib.gzipSync(JSON.stringify({ reports: [a] })), { 'content-encoding': 'gzip' });
    expect(r1.status).toBe(200);
    const r2 = await post(zlib.gzipSync(JSON.stringify(b)), {
      'content-encoding': 'GZIP',
      'content-type': 'application/x-ndjson',
    });
    expect(r2.status).toBe(200);
    expect(await countRaw(idsOf([a, b]))).toBe(2);
  });

  it('caps the error list at 100 while counting every rejected report', async () => {
    const bad = Array.from({ length: 150 }, () => report({ intervalMs: -1 }));
    const r = await postJson([...bad, report()]);
    expect(r.status).toBe(200);
    expect(r.body.rejected).toBe(150);
    expect(r.body.errors).toHaveLength(100);
    expect(r.body.errors![99]!.index).toBe(99);
  });
});

describe('POST /api/v1/telemetry: refused requests', () => {
  it('400: not JSON, wrong envelope, no reports, every report rejected', async () => {
    for (const body of ['{', '[]', '{"reports": 3}', '"x"', 'null']) {
      const r = await post(body);
      expect(r.status, body).toBe(400);
      expect(typeof r.body.error).toBe('string');
      expect(r.body.errors).toEqual([]);
    }
    const empty = await postJson([]);
    expect(empty.status).toBe(400);
    expect((await post('\n\n  \n', { 'content-type': 'application/x-ndjson' })).status).toBe(400);
    const allBad = await postJson([report({ ts: 'yesterday' }), report({ deviceClass: 'toaster' })]);
    expect(allBad.status).toBe(400);
    expect(allBad.body.errors).toEqual([
      { index: 0, path: 'ts', message: expect.any(String) },
      { index: 1, path: 'deviceClass', message: expect.any(String) },
    ]);
    const badGzip = await post(Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    expect(badGzip.status).toBe(400);
    const badUtf8 = await post(Buffer.from([0x7b, 0xff, 0x7d]));
    expect(badUtf8.status).toBe(400);
  });

  it('401: missing, unknown or revoked key', async () => {
    const body = JSON.stringify({ reports: [report()] });
    const missing = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(missing.status).toBe(401);
    expect(typeof ((await missing.json()) as { error: string }).error).toBe('string');
    expect((await post(body, { authorization: 'Bearer nope-not-a-key' })).status).toBe(401);
    expect((await post(body, { authorization: `Basic ${KEY}` })).status).toBe(401);

    const created = await createIngestKey({ name: 'tv app', rateLimitPerSec: 1000, trustedRelay: false }, ADMIN);
    expect((await postJson([report()], { authorization: `Bearer ${created.key}` })).status).toBe(200);
    await revokeIngestKey(created.id, ADMIN);
    expect((await postJson([report()], { authorization: `Bearer ${created.key}` })).status).toBe(401);
  });

  it('413: more than 5,000 reports or 5 MiB', async () => {
    const many = Array.from({ length: 5001 }, () => report());
    const r1 = await postJson(many);
    expect(r1.status).toBe(413);
    expect(typeof r1.body.error).toBe('string');
    const r2 = await post(ndjson(many.map((x) => JSON.stringify(x))), { 'content-type': 'application/x-ndjson' });
    expect(r2.status).toBe(413);
    expect(await countRaw(idsOf(many))).toBe(0);
    const big = JSON.stringify({ reports: [report({ pad: 'x'.repeat(5 * 1024 * 1024) })] });
    expect((await post(big)).status).toBe(413);
    // exactly 5,000 is fine
    const ok = Array.from({ length: 5000 }, () => report());
    const r4 = await post(zlib.gzipSync(JSON.stringify({ reports: ok })), { 'content-encoding': 'gzip' });
    expect(r4.status).toBe(200);
    expect(r4.body.accepted).toBe(5000);
  });

  it('413: a gzip bomb is cut off at 5 MiB', async () => {
    // 1 GiB of spaces inside a JSON string compress to about 1 MiB.
    const gz = zlib.createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gz.on('data', (d: Buffer) => parts.push(d));
    const done = new Promise((r) => gz.on('end', r));
    gz.write('{"reports":[{"pad":"');
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    for (let i = 0; i < 1024; i++) {
      if (!gz.write(chunk)) await new Promise((r) => gz.once('drain', r));
    }
    gz.end('"}]}');
    await done;
    const bomb = Buffer.concat(parts);
    expect(bomb.length).toBeLessThan(5 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    const r = await post(bomb, { 'content-encoding': 'gzip' });
    expect(r.status).toBe(413);
    // inflating it in full would have allocated 1 GiB at least
    expect(process.memoryUsage().rss - before).toBeLessThan(512 * 1024 * 1024);
  });

  it('415: other content types, charsets or encodings', async () => {
    const body = JSON.stringify({ reports: [report()] });
    for (const headers of [
      { 'content-type': 'text/plain' } as Record<string, string>,
      { 'content-type': 'application/xml' },
      { 'content-type': 'application/json; charset=iso-8859-1' },
      { 'content-type': 'application/x-ndjson; charset=utf-16' },
      { 'content-encoding': 'br' },
      { 'content-encoding': 'deflate' },
    ]) {
      const r = await post(body, headers);
      expect(r.status, JSON.stringify(headers)).toBe(415);
      expect(typeof r.body.error).toBe('string');
    }
    const none = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}` },
      body: new Blob([body]),
    });
    expect(none.status).toBe(415);
  });

  it('429 with Retry-After: rate limit of the key', async () => {
    const slow = await createIngestKey({ name: 'slow', rateLimitPerSec: 1, trustedRelay: false }, ADMIN);
    const h = { authorization: `Bearer ${slow.key}` };
    // 1 report/s: a first batch of 100 passes and leaves the bucket 99 s in debt
    expect(
      (
        await postJson(
          Array.from({ length: 100 }, () => report()),
          h,
        )
      ).status,
    ).toBe(200);
    const r = await postJson([report()], h);
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('429 with Retry-After: rate limit of the client address', async () => {
    // 0.1 request/s with a 2 s burst: the first request passes, the next one waits 10 s for a token
    process.env.SWARMDECK_INGEST_IP_RATE = '0.1';
    resetIngestConfig();
    try {
      expect((await postJson([report()])).status).toBe(200);
      const r = await postJson([report()]);
      expect(r.status).toBe(429);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      process.env.SWARMDECK_INGEST_IP_RATE = '0';
      resetIngestConfig();
    }
  });

  it('503 with Retry-After when the writer is behind its bound, nothing of that request stored', async () => {
    process.env.SWARMDECK_INGEST_QUEUE_MAX = '5';
    process.env.SWARMDECK_INGEST_LINGER_MS = '100';
    resetIngestConfig();
    try {
      const a = Array.from({ length: 5 }, () => report());
      const b = Array.from({ length: 5 }, () => report());
      const [ra, rb] = await Promise.all([postJson(a), postJson(b)]);
      const statuses = [ra.status, rb.status].sort();
      expect(statuses).toEqual([200, 503]);
      const refused = ra.status === 503 ? ra : rb;
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await countRaw(idsOf(ra.status === 503 ? a : b))).toBe(0);
      expect(await countRaw(idsOf(ra.status === 503 ? b : a))).toBe(5);
    } finally {
      delete process.env.SWARMDECK_INGEST_QUEUE_MAX;
      process.env.SWARMDECK_INGEST_LINGER_MS = '0';
      resetIngestConfig();
    }
  });
});
