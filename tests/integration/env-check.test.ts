import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkEnvironment } from '@/server/env-check';

const run = promisify(execFile);

describe('one environment schema, parsed at start', () => {
  it('names every bad variable of every area at once', () => {
    const bad = {
      SWARMDECK_INGEST_IP_RATE: 'fast',
      SWARMDECK_LOG_LEVEL: 'loud',
      TRUSTED_PROXIES: '10.0.0.0/99',
      PORT: '70000',
      OIDC_ISSUER: 'https://idp.example',
    };
    let message = '';
    try {
      checkEnvironment(bad);
    } catch (e) {
      message = (e as Error).message;
    }
    for (const name of Object.keys(bad)) expect(message).toContain(name);
    expect(() =>
      checkEnvironment({ SWARMDECK_INGEST_IP_RATE: '50', TRUSTED_PROXIES: '10.0.0.0/8, ::1' }),
    ).not.toThrow();
  });

  it('the server refuses to start on a bad variable, with a message naming it', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SWARMDECK_INGEST_IP_RATE: 'fast',
      PORT: '0',
      SWARMDECK_DATA_DIR: '/nonexistent/never-opened',
    };
    const failed = await run(process.execPath, ['--import', 'tsx', 'server.ts'], { env, timeout: 60_000 }).then(
      () => null,
      (e: { code?: number; stdout?: string; stderr?: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(`${failed?.stdout}${failed?.stderr}`).toContain('SWARMDECK_INGEST_IP_RATE');
  });
});
