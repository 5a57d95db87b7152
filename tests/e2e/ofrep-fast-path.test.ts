import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../helpers/app';

/** The built server answers OFREP itself (not through Next.js): same contract, same security headers. */
const KEY = 'ofrep-fast-path-key-0123456789';
let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ env: { SWARMDECK_INGEST_KEY: KEY } });
});
afterAll(() => app?.stop());

const ctx = { context: { targetingKey: 'device-1', deviceClass: 'smart_tv' } };
function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('OFREP on the built server', () => {
  it('evaluates a flag on a fresh install as DISABLED / off, with the API security headers', async () => {
    const res = await post('/ofrep/v1/evaluate/flags/p2p-mode', ctx, { authorization: `Bearer ${KEY}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await res.json()).toMatchObject({
      key: 'p2p-mode',
      value: 'off',
      reason: 'DISABLED',
      metadata: { configVersion: 0, cohort: 'off' },
    });
  });

  it('401 without a key, 404 for an unknown flag, 400 without a device class', async () => {
    expect((await post('/ofrep/v1/evaluate/flags/p2p-mode', ctx)).status).toBe(401);
    const nf = await post('/ofrep/v1/evaluate/flags/no-such-flag', ctx, { 'x-api-key': KEY });
    expect(nf.status).toBe(404);
    expect(await nf.json()).toMatchObject({ key: 'no-such-flag', errorCode: 'FLAG_NOT_FOUND' });
    const bad = await post(
      '/ofrep/v1/evaluate/flags/p2p-mode',
      { context: { targetingKey: 'd' } },
      { 'x-api-key': KEY },
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errorCode: 'INVALID_CONTEXT' });
  });

  it('bulk evaluation answers 304 to its own ETag', async () => {
    const first = await post('/ofrep/v1/evaluate/flags', ctx, { authorization: `Bearer ${KEY}` });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await post('/ofrep/v1/evaluate/flags', ctx, {
      authorization: `Bearer ${KEY}`,
      'if-none-match': etag!,
    });
    expect(again.status).toBe(304);
  });

  it('console pages still go through Next.js', async () => {
    const res = await fetch(`${app.url}/sign-in`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<html');
  });
});
