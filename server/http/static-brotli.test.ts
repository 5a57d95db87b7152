import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsBrotli, staticBrotli, staticFile } from './static-brotli';

describe('acceptsBrotli', () => {
  it('takes br when named with q > 0 or through *, not when refused', () => {
    expect(acceptsBrotli('gzip, deflate, br, zstd')).toBe(true);
    expect(acceptsBrotli('br;q=0.5, gzip')).toBe(true);
    expect(acceptsBrotli('*')).toBe(true);
    expect(acceptsBrotli('gzip, br;q=0')).toBe(false);
    expect(acceptsBrotli('br;q=0, *')).toBe(false);
    expect(acceptsBrotli('gzip, deflate')).toBe(false);
    expect(acceptsBrotli('identity')).toBe(false);
    expect(acceptsBrotli('')).toBe(false);
    expect(acceptsBrotli(undefined)).toBe(false);
  });
});

describe('staticFile', () => {
  const root = path.join(os.tmpdir(), 'dist', 'static');
  it('maps a .js or .css under /_next/static/ into the folder, nothing else', () => {
    expect(staticFile(root, '/_next/static/chunks/a1b2.js')).toBe(path.join(root, 'chunks/a1b2.js'));
    expect(staticFile(root, '/_next/static/css/x.css?dpl=1')).toBe(path.join(root, 'css/x.css'));
    expect(staticFile(root, '/_next/static/media/font.woff2')).toBeNull();
    expect(staticFile(root, '/_next/static/chunks/../../server/app.js')).toBeNull();
    expect(staticFile(root, '/_next/static/chunks/%2e%2e/%2e%2e/server/app.js')).toBeNull();
    expect(staticFile(root, '/_next/static/chunks/%E0%A4%A.js')).toBeNull();
    expect(staticFile(root, '/_next/data/x.js')).toBeNull();
  });
});

describe('serving a chunk in brotli', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'static-brotli-'));
  const js = `${'export const figure = 42; // a chunk of text that compresses well\n'.repeat(200)}`;
  fs.mkdirSync(path.join(dir, 'static/chunks'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'static/chunks/app.js'), js);
  fs.writeFileSync(path.join(dir, 'static/chunks/tiny.js'), '1');
  const brotli = staticBrotli(dir);
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      void brotli.serve(req, res).then((served) => {
        if (served) return;
        res.writeHead(299, { 'x-fallback': 'next' });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Raw bytes and headers (fetch would decode the body itself). */
  function get(url: string, headers: Record<string, string>, method = 'GET') {
    return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http
        .request(`${base}${url}`, { method, headers }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
        })
        .on('error', reject)
        .end();
    });
  }

  it('sends the file brotli-encoded with immutable caching, its length and an ETag', async () => {
    const res = await get('/_next/static/chunks/app.js', { 'accept-encoding': 'gzip, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toBe('application/javascript; charset=UTF-8');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // Document-only policies are not repeated on every chunk (each costs bytes on every cold load).
    for (const h of ['x-frame-options', 'referrer-policy', 'cross-origin-opener-policy', 'permissions-policy']) {
      expect(res.headers[h]).toBeUndefined();
    }
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(js.length / 10);
    expect(zlib.brotliDecompressSync(res.body).toString()).toBe(js);
    expect(res.headers.etag).toMatch(/^"br-[\w-]{27}"$/);
  });

  it('answers HEAD without a body, and 304 to its ETag or a later If-Modified-Since', async () => {
    const first = await get('/_next/static/chunks/app.js', { 'accept-encoding': 'br' });
    const head = await get('/_next/static/chunks/app.js', { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(first.headers['content-length']);
    expect(head.body.length).toBe(0);
    const etag = first.headers.etag!;
    const cached = await get('/_next/static/chunks/app.js', { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(cached.status).toBe(304);
    expect(cached.headers.etag).toBe(etag);
    expect(cached.body.length).toBe(0);
    const other = await get('/_next/static/chunks/app.js', { 'accept-encoding': 'br', 'if-none-match': '"other"' });
    expect(other.status).toBe(200);
    const since = { 'accept-encoding': 'br', 'if-modified-since': first.headers['last-modified']! };
    expect((await get('/_next/static/chunks/app.js', since)).status).toBe(304);
    const before = new Date(Date.parse(first.headers['last-modified']!) - 60_000).toUTCString();
    expect((await get('/_next/static/chunks/app.js', { ...since, 'if-modified-since': before })).status).toBe(200);
  });

  it('leaves gzip, identity, ranges, POST, missing files and files brotli cannot shrink to Next', async () => {
    const next = async (url: string, headers: Record<string, string>, method = 'GET') =>
      (await get(url, headers, method)).headers['x-fallback'];
    expect(await next('/_next/static/chunks/app.js', { 'accept-encoding': 'gzip' })).toBe('next');
    expect(await next('/_next/static/chunks/app.js', {})).toBe('next');
    expect(await next('/_next/static/chunks/app.js', { 'accept-encoding': 'br', range: 'bytes=0-9' })).toBe('next');
    expect(await next('/_next/static/chunks/app.js', { 'accept-encoding': 'br' }, 'POST')).toBe('next');
    expect(await next('/_next/static/chunks/missing.js', { 'accept-encoding': 'br' })).toBe('next');
    expect(await next('/_next/static/chunks/tiny.js', { 'accept-encoding': 'br' })).toBe('next');
  });

  it('warms every chunk it can shrink', async () => {
    expect(await brotli.warm()).toBe(1);
  });
});
