import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as invite } from '@/app/api/auth/invite/route';
import { POST as signIn } from '@/app/api/auth/sign-in/route';
import { POST as ping } from '@/app/api/ping/route';
import { POST as ofrepAll } from '@/app/ofrep/v1/evaluate/flags/route';
import { POST as ofrepOne } from '@/app/ofrep/v1/evaluate/flags/[key]/route';
import { AUTH_BODY_LIMIT } from '@/server/auth/http';
import { matchFastRoute, serveFast } from '@/server/http/fast-routes';
import { stampPeer } from '@/server/net/peer';
import { OFREP_BODY_LIMIT } from '@/server/rollout/ofrep';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';

const KEY = 'body-limits-ingest-key-0123456789';
withFreshStore({ SWARMDECK_INGEST_KEY: KEY });

let routes: { url: string; close(): Promise<void> };
let fast: http.Server;
let fastUrl = '';

beforeAll(async () => {
  routes = await serveRoutes({
    '/api/auth/sign-in': { POST: signIn },
    '/api/auth/invite': { POST: invite },
    '/api/ping': { POST: ping },
    '/ofrep/v1/evaluate/flags': { POST: ofrepAll },
    '/ofrep/v1/evaluate/flags/:key': { POST: (req, ctx) => ofrepOne(req, ctx as { params: Promise<{ key: string }> }) },
  });
  // The production server's OFREP fast path, served the way server.ts serves it.
  fast = http.createServer((req, res) => {
    stampPeer(req);
    const h = matchFastRoute(req.method, req.url);
    if (!h) return void res.writeHead(404).end();
    void serveFast(h, req, res);
  });
  await new Promise<void>((r) => fast.listen(0, '127.0.0.1', r));
  fastUrl = `http://127.0.0.1:${(fast.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await routes?.close();
  fast?.closeAllConnections();
  await new Promise((r) => fast?.close(r));
});

/** A JSON body of about `bytes` bytes; `chunked` sends it without Content-Length, in 64 KiB pieces. */
function big(bytes: number, chunked: boolean): { body: BodyInit; duplex?: 'half' } {
  const text = JSON.stringify({
    email: 'a@b.c',
    password: 'x',
    context: { targetingKey: 'd', deviceClass: 'smart_tv' },
    pad: 'x'.repeat(bytes),
  });
  if (!chunked) return { body: text };
  const buf = Buffer.from(text);
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= buf.length) return c.close();
      c.enqueue(buf.subarray(at, at + 65_536));
      at += 65_536;
    },
  });
  return { body: stream, duplex: 'half' };
}

async function post(
  url: string,
  bytes: number,
  chunked: boolean,
  headers: Record<string, string> = {},
): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    ...big(bytes, chunked),
  } as RequestInit);
  await res.arrayBuffer();
  return res.status;
}

describe('every body is read through a cap', () => {
  for (const chunked of [false, true]) {
    const how = chunked ? 'chunked, no Content-Length' : 'with Content-Length';
    it(`sign-in, invite and ping answer 413 past their limit (${how}) and accept small bodies`, async () => {
      const over = AUTH_BODY_LIMIT + 1000;
      expect(await post(`${routes.url}/api/auth/sign-in`, over, chunked)).toBe(413);
      expect(await post(`${routes.url}/api/auth/invite`, over, chunked)).toBe(413);
      expect(await post(`${routes.url}/api/ping`, 64 * 1024 * 1024, chunked)).toBe(413);
      expect(await post(`${routes.url}/api/auth/sign-in`, 10, chunked)).toBe(401);
      expect(await post(`${routes.url}/api/ping`, 10, chunked)).toBe(200);
    });

    it(`OFREP single and bulk answer 413 past the limit, on the route handlers and the fast path (${how})`, async () => {
      const auth = { 'x-api-key': KEY };
      const over = OFREP_BODY_LIMIT + 1000;
      for (const base of [routes.url, fastUrl]) {
        expect(await post(`${base}/ofrep/v1/evaluate/flags/p2p-mode`, over, chunked, auth)).toBe(413);
        expect(await post(`${base}/ofrep/v1/evaluate/flags`, over, chunked, auth)).toBe(413);
        expect(await post(`${base}/ofrep/v1/evaluate/flags`, 10, chunked, auth)).toBe(200);
      }
    });
  }
});
