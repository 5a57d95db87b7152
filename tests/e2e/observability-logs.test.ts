import { describe, expect, it } from 'vitest';
import { exampleReport } from '@/lib/telemetry/example';
import { startApp } from '../helpers/app';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, cookieFor } from '../helpers/auth';

const SECRETS = {
  SWARMDECK_INGEST_KEY: 'logtest-ingest-key-7f3a9c1e5b',
  SWARMDECK_REPORTS_TOKEN: 'logtest-reports-token-2d8e4b6a',
  SWARMDECK_METRICS_TOKEN: 'logtest-metrics-token-9c1f7e3d5a',
  SWARMDECK_SESSION_SECRET: 'logtest-session-secret-0123456789abcdef0123456789',
};
const CLIENT_V4 = '198.51.100.23';
const CLIENT_V6 = '2001:db8::beef:17';
const WRONG_PASSWORD = 'logtest-wrong-password-5e2c';
const BOGUS_KEY = 'logtest-bogus-key-1a2b3c4d5e';

describe('structured logs of a real run', () => {
  it('are JSON lines with request ids, and never carry an address, a secret, a token or a cookie', async () => {
    const app = await startApp({
      env: {
        ...ADMIN_ENV,
        ...SECRETS,
        SWARMDECK_LOG_LEVEL: 'debug',
        SWARMDECK_LOG_FORMAT: 'json',
        SWARMDECK_INGEST_IP_RATE: '0',
        // The clients' own addresses arrive in X-Forwarded-For from this (trusted) proxy.
        TRUSTED_PROXIES: '127.0.0.1,::1',
      },
    });
    let cookie = '';
    try {
      const fwd = (addr: string) => ({ 'x-forwarded-for': addr });
      cookie = await cookieFor(app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
      const wrong = await fetch(`${app.url}/api/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...fwd(CLIENT_V4) },
        body: JSON.stringify({ email: ADMIN_EMAIL, password: WRONG_PASSWORD }),
      });
      expect(wrong.status).toBe(401);
      const tel = await fetch(`${app.url}/api/v1/telemetry`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${SECRETS.SWARMDECK_INGEST_KEY}`,
          'content-type': 'application/json',
          'x-request-id': 'logtest-req-0001',
          ...fwd(CLIENT_V4),
        },
        body: JSON.stringify({
          reports: [exampleReport({ reportId: `logtest-${Date.now()}` }), { reportId: 'broken' }],
        }),
      });
      expect(tel.status).toBe(200);
      expect(tel.headers.get('x-request-id')).toBe('logtest-req-0001');
      const bogus = await fetch(`${app.url}/api/v1/telemetry`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BOGUS_KEY}`, 'content-type': 'application/json', ...fwd(CLIENT_V6) },
        body: '{"reports":[]}',
      });
      expect(bogus.status).toBe(401);
      // a request id that is not a plain token is replaced, never echoed
      const ofrep = await fetch(`${app.url}/ofrep/v1/evaluate/flags`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${SECRETS.SWARMDECK_INGEST_KEY}`,
          'content-type': 'application/json',
          'x-request-id': `evil ${CLIENT_V4}`,
          ...fwd(CLIENT_V6),
        },
        body: JSON.stringify({ context: { targetingKey: 'dev-1', deviceClass: 'smart_tv' } }),
      });
      expect(ofrep.status).toBe(200);
      expect(ofrep.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const rep = await fetch(`${app.url}/api/v1/reports/isp?asn=3320&from=2026-01-01&to=2026-01-02&format=json`, {
        headers: { authorization: `Bearer ${SECRETS.SWARMDECK_REPORTS_TOKEN}`, ...fwd(CLIENT_V4) },
      });
      expect(rep.status).toBe(200);
      const met = await fetch(`${app.url}/metrics`, {
        headers: { authorization: `Bearer ${SECRETS.SWARMDECK_METRICS_TOKEN}`, ...fwd(CLIENT_V4) },
      });
      expect(met.status).toBe(200);
      // the HTTP server counts every request by route template and status
      const exposition = await met.text();
      expect(exposition).toMatch(
        /^swarmdeck_http_requests_total\{[^}]*route="\/api\/v1\/telemetry",method="POST",status="200"[^}]*\} [1-9]/m,
      );
      expect(exposition).toMatch(
        /^swarmdeck_http_requests_total\{[^}]*route="\/api\/v1\/telemetry",method="POST",status="401"[^}]*\} [1-9]/m,
      );
      expect(exposition).not.toContain(CLIENT_V4);
      const page = await fetch(`${app.url}/overview`, { headers: { cookie, ...fwd(CLIENT_V6) } });
      expect(page.status).toBe(200);
      const trpc = await fetch(`${app.url}/api/trpc/store.system`, { headers: { cookie, ...fwd(CLIENT_V4) } });
      expect(trpc.status).toBe(200);
      expect((await fetch(`${app.url}/api/ready`, { headers: fwd(CLIENT_V4) })).status).toBe(200);
      // A request's line is written when its answer has left the server, which can be just after the
      // client read it: give the last one a moment before stopping the server.
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await app.stop();
    }

    const out = app.output();
    const lines = out.split('\n').filter((l) => l.trim() !== '');
    const json = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json.length).toBeGreaterThan(10);
    for (const j of json) {
      expect(typeof j.level).toBe('string');
      expect(typeof j.time).toBe('string');
      expect(j.service).toBe('swarmdeck');
    }
    const requests = json.filter((j) => j.msg === 'request');
    expect(requests.find((j) => j.reqId === 'logtest-req-0001')).toMatchObject({
      method: 'POST',
      route: '/api/v1/telemetry',
      status: 200,
    });
    for (const route of [
      '/ofrep/v1/evaluate/flags',
      '/api/v1/reports/isp',
      '/metrics',
      '/api/trpc',
      '/overview',
      '/api/ready',
    ]) {
      expect(
        requests.some((j) => j.route === route),
        route,
      ).toBe(true);
    }
    // The whole output, not only the JSON lines: nothing of these may appear anywhere.
    const forbidden = [
      ...Object.values(SECRETS),
      ADMIN_PASSWORD,
      WRONG_PASSWORD,
      BOGUS_KEY,
      cookie,
      cookie.split('=').slice(1).join('='),
      CLIENT_V4,
      CLIENT_V6,
      'swarmdeck_session=',
    ];
    for (const f of forbidden) expect(out.includes(f), `the logs carry ${f.slice(0, 12)}…`).toBe(false);
  });
});
