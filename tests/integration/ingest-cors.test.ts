import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as bulkRoute from '@/app/ofrep/v1/evaluate/flags/route';
import * as telemetry from '@/app/api/v1/telemetry/route';
import { createCaller } from '@/server/api/root';
import { listAudit } from '@/server/audit/log';
import { insert, query } from '@/server/clickhouse/client';
import { resetIngestConfig } from '@/server/ingest/config';
import { exampleReport } from '@/lib/telemetry/example';
import { refreshSnapshot } from '@/server/rollout/snapshot';
import { serveRoutes, type RouteModule } from '../helpers/http';
import { withFreshStore } from '../helpers/store';

const BOOT = 'cors-bootstrap-key-0123456789';
withFreshStore({ SWARMDECK_INGEST_KEY: BOOT, SWARMDECK_INGEST_IP_RATE: '0', SWARMDECK_INGEST_LINGER_MS: '0' });

const PLAYER = 'https://player.example.com';
const OTHER = 'https://evil.example.net';
let base = '';
let close: () => Promise<void>;
beforeAll(async () => {
  resetIngestConfig();
  await refreshSnapshot();
  const s = await serveRoutes({
    '/api/v1/telemetry': telemetry as unknown as RouteModule,
    '/ofrep/v1/evaluate/flags': bulkRoute as unknown as RouteModule,
  });
  base = s.url;
  close = s.close;
});
afterAll(() => close?.());

const admin = () =>
  createCaller({
    headers: new Headers({ 'x-swarmdeck-csrf': '1' }),
    user: { id: 'u-admin', email: 'admin@example.com', name: 'Admin', role: 'admin' },
  });

let seq = 0;
const report = (over: Record<string, unknown> = {}) =>
  exampleReport({ reportId: `cors-${Date.now().toString(36)}-${seq++}`, ...over });
const N = z.object({ n: z.coerce.number() });
const stored = async (id: string) =>
  (await query('SELECT count() AS n FROM telemetry_raw WHERE report_id = {id:String}', { id }, N))[0]!.n;

function post(key: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}/api/v1/telemetry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
const ofrep = (key: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/ofrep/v1/evaluate/flags`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ context: { targetingKey: 'dev-cors', deviceClass: 'desktop' } }),
  });

describe('POST /api/v1/telemetry from a browser (contract v1.1, Browsers)', () => {
  it('answers a preflight for any origin, with the SDK headers, a max age and never credentials', async () => {
    for (const origin of [PLAYER, OTHER]) {
      const pre = await fetch(`${base}/api/v1/telemetry`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type, content-encoding',
        },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
      expect(pre.headers.get('access-control-allow-methods')).toBe('POST');
      const allowed = pre.headers
        .get('access-control-allow-headers')!
        .toLowerCase()
        .split(/\s*,\s*/);
      expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'content-encoding']));
      expect(Number(pre.headers.get('access-control-max-age'))).toBeGreaterThan(0);
      expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('puts the CORS headers on the answer and on every error answer, exposing Retry-After', async () => {
    const r = report();
    const ok = await post(BOOT, { reports: [r] }, { origin: PLAYER });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ accepted: 1, duplicates: 0, rejected: 0, errors: [] });
    const cases: [number, Promise<Response>][] = [
      [200, Promise.resolve(ok)],
      [401, post('not-a-key-at-all-000000', { reports: [report()] }, { origin: PLAYER })],
      [400, post(BOOT, '{"reports": [', { origin: PLAYER })],
      [415, post(BOOT, '{}', { origin: PLAYER, 'content-type': 'text/plain' })],
    ];
    for (const [status, p] of cases) {
      const res = await p;
      expect(res.status).toBe(status);
      expect(res.headers.get('access-control-allow-origin')).toBe(PLAYER);
      expect(res.headers.get('access-control-expose-headers')).toMatch(/Retry-After/i);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
    // The contract's error bodies are unchanged.
    expect(await (await post(BOOT, '{"reports": [', { origin: PLAYER })).json()).toMatchObject({
      error: expect.any(String),
      errors: [],
    });
  });

  it('leaves requests without Origin as they were', async () => {
    const res = await post(BOOT, { reports: [report()] });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("checks the key's allowed origins on the request: a disallowed Origin is 403 and nothing is stored", async () => {
    const created = await admin().ingestKeys.create({
      name: 'Web player',
      rateLimitPerSec: 1000,
      allowedOrigins: [`${PLAYER}/`, 'http://127.0.0.1:8080'],
    });
    const mine = (await admin().ingestKeys.list()).find((k) => k.id === created.id)!;
    expect(mine.allowedOrigins).toEqual([PLAYER, 'http://127.0.0.1:8080']);

    const good = report();
    expect((await post(created.key, { reports: [good] }, { origin: PLAYER })).status).toBe(200);
    expect(await stored(good.reportId as string)).toBe(1);

    const bad = report();
    const denied = await post(created.key, { reports: [bad] }, { origin: OTHER });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('access-control-allow-origin')).toBe(OTHER);
    expect((await denied.json()).error).toMatch(
      new RegExp(`^origin ${OTHER.replace(/\./g, '\\.')} is not allowed for this key`),
    );
    expect(await stored(bad.reportId as string)).toBe(0);

    const device = report();
    expect((await post(created.key, { reports: [device] })).status).toBe(200);
    expect(await stored(device.reportId as string)).toBe(1);

    // OFREP follows the same per-key rule: 403 with no body for a disallowed Origin.
    const o1 = await ofrep(created.key, { origin: OTHER });
    expect(o1.status).toBe(403);
    expect(await o1.text()).toBe('');
    expect(o1.headers.get('access-control-allow-origin')).toBeTruthy();
    expect((await ofrep(created.key, { origin: PLAYER })).status).toBe(200);
    expect((await ofrep(created.key)).status).toBe(200);

    // Widening to any origin (audited) lets the other origin in.
    const changed = await admin().ingestKeys.setOrigins({ id: created.id, allowedOrigins: '*' });
    expect(changed.allowedOrigins).toBe('*');
    const later = report();
    expect((await post(created.key, { reports: [later] }, { origin: OTHER })).status).toBe(200);
    expect((await ofrep(created.key, { origin: OTHER })).status).toBe(200);
    const audit = await listAudit({ targetId: created.id });
    const change = audit.find((a) => a.action === 'ingest_key.origins_changed')!;
    expect(change).toBeTruthy();
    expect(JSON.stringify(change)).toContain(PLAYER);
    expect(JSON.stringify(audit)).not.toContain(created.key);
  });

  it('lets keys that existed before origins, keys created without a choice and the bootstrap key allow any origin', async () => {
    // A row written the way keys were before migration 0060 (no origin columns).
    await insert('ingest_keys', [
      {
        id: 'old-key',
        name: 'Old TV app',
        key_hash: '8b1a9953c4611296a827abf8c47804d7e6c49c6b3ac1ed4d4d0d9e3e41f2a1e7',
        key_prefix: 'sdk_old',
        rate_limit_per_sec: 10,
        trusted_relay: 0,
        created_at: Date.now(),
        created_by: 'seed',
        revoked_at: null,
        version: 1,
      },
    ]);
    const list = await admin().ingestKeys.list();
    expect(list.find((k) => k.id === 'old-key')!.allowedOrigins).toBe('*');
    const plain = await admin().ingestKeys.create({ name: 'Plain', rateLimitPerSec: 100 });
    expect((await post(plain.key, { reports: [report()] }, { origin: OTHER })).status).toBe(200);
    expect((await post(BOOT, { reports: [report()] }, { origin: OTHER })).status).toBe(200);
  });

  it('refuses what is not an origin, and is for admins only', async () => {
    await expect(
      admin().ingestKeys.create({ name: 'x', rateLimitPerSec: 1, allowedOrigins: ['https://a.example/path'] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      admin().ingestKeys.create({ name: 'x', rateLimitPerSec: 1, allowedOrigins: [] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      admin().ingestKeys.create({ name: 'x', rateLimitPerSec: 1, allowedOrigins: ['ftp://a.example'] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const op = createCaller({
      headers: new Headers({ 'x-swarmdeck-csrf': '1' }),
      user: { id: 'u-op', email: 'op@example.com', name: 'Op', role: 'operator' },
    });
    await expect(op.ingestKeys.setOrigins({ id: 'old-key', allowedOrigins: '*' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(op.ingestKeys.clientDrops({ days: 7 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('reports lost on devices reach the console', () => {
  it('stores the counts a report carries once, even when the report is resent', async () => {
    const carrier = { ...report({ deviceClass: 'desktop' }), clientDropped: { expired: 3, overflow: 2 } };
    const a = await post(BOOT, { reports: [carrier, report()] });
    expect(await a.json()).toMatchObject({ accepted: 2, duplicates: 0 });
    const again = await post(BOOT, { reports: [carrier] });
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    // Malformed counts are ignored like any unknown field; the report itself is stored.
    const odd = { ...report(), clientDropped: { expired: -1 } };
    expect(await (await post(BOOT, { reports: [odd] })).json()).toMatchObject({ accepted: 1 });
    const drops = await admin().ingestKeys.clientDrops({ days: 7 });
    expect(drops.keys).toEqual([
      { keyId: 'bootstrap', name: 'Bootstrap key (SWARMDECK_INGEST_KEY)', expired: 3, overflow: 2 },
    ]);
  });
});
