import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, TEST_DIST_DIR, type RunningApp } from '../helpers/app';

/** The built server sends the build's chunks in brotli to a browser that takes it, gzip or plain otherwise. */
let app: RunningApp;
let chunks: string[];
beforeAll(async () => {
  app = await startApp();
  const html = await (await fetch(`${app.url}/sign-in`)).text();
  chunks = [...new Set([...html.matchAll(/\/_next\/static\/[^"'\s]+?\.js/g)].map((m) => m[0]))];
});
afterAll(() => app?.stop());

function get(url: string, headers: Record<string, string>, method = 'GET') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .request(`${app.url}${url}`, { method, headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
      })
      .on('error', reject)
      .end();
  });
}

const onDisk = (url: string) => fs.readFileSync(path.join(TEST_DIST_DIR, 'static', url.slice('/_next/static/'.length)));

describe('the build’s chunks on the built server', () => {
  it('every script of the sign-in page comes in brotli and decodes to the file, smaller than gzip', async () => {
    expect(chunks.length).toBeGreaterThan(3);
    for (const url of chunks) {
      const file = onDisk(url);
      const br = await get(url, { 'accept-encoding': 'gzip, deflate, br, zstd' });
      expect(br.status).toBe(200);
      expect(br.headers['content-type']).toMatch(/^application\/javascript/);
      expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(br.headers.vary).toMatch(/accept-encoding/i);
      expect(br.headers['x-content-type-options']).toBe('nosniff');
      if (br.headers['content-encoding'] === undefined) {
        // Brotli would not shrink it (a few bytes): Next sends it as it is.
        expect(br.body.equals(file)).toBe(true);
        continue;
      }
      expect(br.headers['content-encoding']).toBe('br');
      expect(Number(br.headers['content-length'])).toBe(br.body.length);
      expect(zlib.brotliDecompressSync(br.body).equals(file)).toBe(true);
      const gz = await get(url, { 'accept-encoding': 'gzip, deflate' });
      if (gz.headers['content-encoding'] === 'gzip') {
        expect(zlib.gunzipSync(gz.body).equals(file)).toBe(true);
        expect(br.body.length).toBeLessThan(gz.body.length);
      } else expect(gz.body.equals(file)).toBe(true);
    }
  });

  it('without accept-encoding the file itself; HEAD, 304 and ranges still answer', async () => {
    const url = chunks.map((u) => ({ u, n: onDisk(u).length })).sort((a, b) => b.n - a.n)[0]!.u;
    const file = onDisk(url);
    const plain = await get(url, {});
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(file)).toBe(true);

    const br = await get(url, { 'accept-encoding': 'br' });
    const head = await get(url, { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.headers['content-length']).toBe(br.headers['content-length']);
    expect(head.body.length).toBe(0);
    const again = await get(url, { 'accept-encoding': 'br', 'if-none-match': br.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const plainAgain = await get(url, { 'if-none-match': plain.headers.etag! });
    expect(plainAgain.status).toBe(304);

    const range = await get(url, { 'accept-encoding': 'br', range: 'bytes=0-99' });
    expect(range.status).toBe(206);
    expect(range.headers['content-encoding']).not.toBe('br');
    expect(range.body.equals(file.subarray(0, 100))).toBe(true);
  });

  it('a chunk that is not there is a 404, br or not', async () => {
    expect((await get('/_next/static/chunks/no-such-chunk.js', { 'accept-encoding': 'br' })).status).toBe(404);
    expect((await get('/_next/static/chunks/no-such-chunk.js', {})).status).toBe(404);
  });
});
