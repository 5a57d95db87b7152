import zlib from 'node:zlib';
import { CmcdEventType, CmcdReporter } from '@svta/cml-cmcd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as cmcdRoute from '@/app/api/v1/cmcd/route';
import { query } from '@/server/clickhouse/client';
import { redactKey } from '@/server/cmcd/http';
import { resetIngestConfig } from '@/server/ingest/config';
import { createIngestKey, revokeIngestKey } from '@/server/ingest/keys';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';

/** Every answer of POST /api/v1/cmcd the README documents, and that a bad line never takes good ones down. */

const KEY = 'test-bootstrap-key-cmcd-endpoint';
withFreshStore({ SWARMDECK_INGEST_KEY: KEY, SWARMDECK_INGEST_IP_RATE: '0' });

let base = '';
let close: () => Promise<void>;
beforeAll(async () => {
  resetIngestConfig();
  const s = await serveRoutes({ '/api/v1/cmcd': cmcdRoute });
  base = `${s.url}/api/v1/cmcd`;
  close = s.close;
});
afterAll(() => close?.());

const ADMIN = { kind: 'user' as const, id: 'u-admin', email: 'admin@example.com' };
const N = z.object({ n: z.coerce.number() });
const count = async (sid: string) =>
  (await query('SELECT count() AS n FROM cmcd_events WHERE session_id = {sid:String}', { sid }, N))[0]!.n;

let seq = 0;
const line = (sid: string, sn: number, extra = '') =>
  `e=ps,sid="${sid}",sn=${sn},sta=p,ts=${Date.now() - 1000 + seq++},v=2${extra}`;

async function post(body: string | Buffer, opts: { query?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${base}?${opts.query ?? `key=${KEY}`}`, {
    method: 'POST',
    headers: { 'content-type': 'application/cmcd', ...opts.headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* empty body (204) */
  }
  return { status: res.status, headers: res.headers, body: json };
}

describe('POST /api/v1/cmcd', () => {
  it('stores a batch and answers with counts', async () => {
    const r = await post([line('ok-1', 0), line('ok-1', 1), line('ok-1', 2)].join('\n'));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ accepted: 3, duplicates: 0, rejected: 0, errors: [], ignoredKeys: [] });
    expect(await count('ok-1')).toBe(3);
  });

  it('a malformed line is rejected alone, with its index and key; the good lines are stored', async () => {
    const body = [
      line('mixed', 0),
      'this is not a CMCD line',
      `e=ps,sn=1,sta=p,ts=${Date.now()},v=2`, // no sid
      `e=ps,sid="mixed",sn=2,sta=p,ts=${Date.now()}`, // no v: a version 1 line
      `e=ps,sid="mixed",sn=3,sta=z,ts=${Date.now()},v=2`, // unknown play state
      `e=ps,sid="mixed",sn=4,sta=p,ts=${Date.now() - 8 * 86_400_000},v=2`, // older than 7 days
      `e=ps,sid="mixed",sn=5,sta=p,v=2`, // no ts
      line('mixed', 6, ',br=(-5)'),
      line('mixed', 7),
    ].join('\n');
    const r = await post(body);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 2, duplicates: 0, rejected: 7 });
    const errs = r.body.errors as { index: number; path: string }[];
    expect(errs.map((e) => `${e.index}:${e.path}`)).toEqual(['1:', '2:sid', '3:v', '4:sta', '5:ts', '6:ts', '7:br']);
    expect(await count('mixed')).toBe(2);
  });

  it('a batch where every line is bad is 400 with the errors; nothing stored', async () => {
    const r = await post(['not a CMCD line', `e=ps,sid="allbad",sta=p,ts=${Date.now()},v=2`].join('\n'));
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('Every event was rejected');
    expect((r.body.errors as { index: number; path: string }[]).map((e) => `${e.index}:${e.path}`)).toEqual([
      '0:',
      '1:sn',
    ]);
    expect(await count('allbad')).toBe(0);
    expect((await post('\n\n')).status).toBe(400);
  });

  it('unknown keys are ignored (listed in the answer) and the event is stored; custom keys are fine', async () => {
    const r = await post([line('unknown', 0, ',zz=1,qq="x"'), line('unknown', 1, ',com.example-thing=3')].join('\n'));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ accepted: 2, duplicates: 0, rejected: 0, errors: [], ignoredKeys: ['qq', 'zz'] });
    expect(await count('unknown')).toBe(2);
  });

  it('a replayed batch is answered as duplicates and stored once; new lines in it still count', async () => {
    const batch = [line('replay', 0), line('replay', 1)];
    expect((await post(batch.join('\n'))).body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect((await post(batch.join('\n'))).body).toMatchObject({ accepted: 0, duplicates: 2, rejected: 0 });
    // the same (sid, sn) with other content is the same event: the first copy wins
    expect(
      (await post([line('replay', 1, ',br=(100)'), line('replay', 2), line('replay', 2)].join('\n'))).body,
    ).toMatchObject({ accepted: 1, duplicates: 2 });
    expect(await count('replay')).toBe(3);
    // two copies at the same moment in different requests: one stored
    const twin = line('replay-twin', 0);
    const [a, b] = await Promise.all([post(twin), post(twin)]);
    expect([a.body.accepted, b.body.accepted].sort()).toEqual([0, 1]);
    expect(await count('replay-twin')).toBe(1);
  });

  it('oversize bodies are 413: bytes, inflated gzip, lines', async () => {
    const big = `${line('big', 0)}\n${'x'.repeat(5 * 1024 * 1024)}`;
    expect((await post(big)).status).toBe(413);
    const bomb = zlib.gzipSync(Buffer.alloc(6 * 1024 * 1024, 0x61));
    const r = await post(bomb, { headers: { 'content-encoding': 'gzip' } });
    expect(r.status).toBe(413);
    const many = Array.from({ length: 5001 }, (_, i) => line('many', i)).join('\n');
    expect((await post(many)).status).toBe(413);
    expect((await count('big')) + (await count('many'))).toBe(0);
    const gz = await post(zlib.gzipSync(line('gz', 0)), { headers: { 'content-encoding': 'gzip' } });
    expect(gz.body).toMatchObject({ accepted: 1 });
  });

  it('415 for other content types and encodings', async () => {
    expect((await post(line('ct', 0), { headers: { 'content-type': 'application/json' } })).status).toBe(415);
    expect((await post(line('ct', 0), { headers: { 'content-encoding': 'br' } })).status).toBe(415);
    expect((await post(line('ct', 0), { headers: { 'content-type': 'text/plain;charset=utf-8' } })).status).toBe(200);
  });

  it('the ingest key: query parameter or Authorization header; 401 otherwise, nothing stored', async () => {
    expect((await post(line('auth', 0), { query: '' })).status).toBe(401);
    expect((await post(line('auth', 0), { query: 'key=wrong-key-123456' })).status).toBe(401);
    expect(
      (await post(line('auth', 0), { query: '', headers: { authorization: `Bearer ${KEY}` } })).body,
    ).toMatchObject({ accepted: 1 });
    const issued = await createIngestKey({ name: 'cmcd players', rateLimitPerSec: 100 }, ADMIN);
    expect((await post(line('auth', 1), { query: `key=${encodeURIComponent(issued.key)}` })).body).toMatchObject({
      accepted: 1,
    });
    await revokeIngestKey(issued.id, ADMIN);
    expect((await post(line('auth', 2), { query: `key=${encodeURIComponent(issued.key)}` })).status).toBe(401);
    expect(await count('auth')).toBe(2);
  });

  it('target defaults in the query are validated', async () => {
    const r = await post(line('q', 0), { query: `key=${KEY}&dc=fridge` });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^query parameter dc:/);
  });

  it('CORS as telemetry: preflight for any origin, headers on every answer, key origins on the POST', async () => {
    const pre = await fetch(base, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://player.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://player.example');
    expect(pre.headers.get('access-control-allow-methods')).toBe('POST');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    const denied = await post(line('cors', 0), { query: '', headers: { origin: 'https://player.example' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('https://player.example');
    const ok = await post(line('cors', 0), { headers: { origin: 'https://player.example' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://player.example');
    const only = await createIngestKey(
      { name: 'one origin', rateLimitPerSec: 100, allowedOrigins: ['https://tv.example'] },
      ADMIN,
    );
    const wrong = await post(line('cors', 1), {
      query: `key=${encodeURIComponent(only.key)}`,
      headers: { origin: 'https://evil.example' },
    });
    expect(wrong.status).toBe(403);
    expect(await count('cors')).toBe(1);
  });

  it('the key is redacted from any URL that is logged', () => {
    expect(redactKey('/api/v1/cmcd?cohort=control&key=sdk_secret&dc=desktop')).toBe(
      '/api/v1/cmcd?cohort=control&key=[redacted]&dc=desktop',
    );
    expect(redactKey('/api/v1/cmcd?key=sdk_secret')).toBe('/api/v1/cmcd?key=[redacted]');
  });

  it('CmcdReporter: a batch answered 503 is resent and then stored once', async () => {
    const statuses: number[] = [];
    const bodies: string[] = [];
    let failNext = true;
    const reporter = new CmcdReporter(
      {
        sid: 'reporter-retry',
        eventTargets: [
          {
            url: `${base}?key=${KEY}`,
            events: [CmcdEventType.PLAY_STATE],
            batchSize: 1,
            enabledKeys: ['sid', 'sn', 'ts', 'e', 'sta', 'v'] as never,
          },
        ],
      },
      async (req) => {
        bodies.push(req.body as string);
        if (failNext) {
          failNext = false;
          statuses.push(503);
          return { status: 503 };
        }
        const res = await fetch(req.url, {
          method: 'POST',
          headers: req.headers as Record<string, string>,
          body: req.body as string,
        });
        statuses.push(res.status);
        return { status: res.status };
      },
    );
    reporter.update({ sta: 's' });
    await new Promise((r) => setTimeout(r, 50));
    reporter.update({ sta: 'p' }); // sends the re-queued 's' and the 'p'
    await new Promise((r) => setTimeout(r, 300));
    reporter.flush();
    await new Promise((r) => setTimeout(r, 300));
    expect(statuses[0]).toBe(503);
    expect(statuses.slice(1).every((s) => s === 200)).toBe(true);
    expect(await count('reporter-retry')).toBe(2);
  });
});
