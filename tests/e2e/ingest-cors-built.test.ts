import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleReport } from '@/lib/telemetry/example';
import { startApp, type RunningApp } from '../helpers/app';

/** The built server (Next's route for telemetry, the fast path for OFREP) answers browsers' CORS. */
const KEY = 'ingest-cors-built-key-0123456789';
const ORIGIN = 'https://player.example.com';
let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ env: { SWARMDECK_INGEST_KEY: KEY } });
});
afterAll(() => app?.stop());

describe('CORS on the built server', () => {
  it('answers the telemetry preflight and puts the origin on the answer', async () => {
    const pre = await fetch(`${app.url}/api/v1/telemetry`, {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, content-encoding',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/Content-Encoding/);
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    const res = await fetch(`${app.url}/api/v1/telemetry`, {
      method: 'POST',
      headers: { origin: ORIGIN, authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reports: [exampleReport({ reportId: `cors-built-${Date.now()}` })] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Retry-After/);
    const bad = await fetch(`${app.url}/api/v1/telemetry`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });

  it('answers OFREP from another origin on the fast path', async () => {
    const pre = await fetch(`${app.url}/ofrep/v1/evaluate/flags`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBeTruthy();
    const res = await fetch(`${app.url}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { origin: ORIGIN, authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ context: { targetingKey: 'd', deviceClass: 'desktop' } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeTruthy();
  });
});
