import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as healthRoute from '@/app/api/health/route';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';

withFreshStore();
let srv: Awaited<ReturnType<typeof serveRoutes>>;
beforeAll(async () => {
  srv = await serveRoutes({ '/api/health': healthRoute });
});
afterAll(() => srv.close());

describe('GET /api/health', () => {
  it('is 200 with the store mode, engine version and migration counts when ready', async () => {
    const res = await fetch(`${srv.url}/api/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    const files = fs.readdirSync(path.join(process.cwd(), 'migrations')).filter((f) => f.endsWith('.sql'));
    expect(body).toEqual({
      status: 'ok',
      clickhouse: { mode: 'embedded', version: expect.stringMatching(/^\d+\.\d+/) },
      migrations: { applied: files.length, pending: 0 },
    });
  });

  it('is 503 with the reason while a migration is pending', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-mig-'));
    for (const f of fs.readdirSync('migrations')) fs.copyFileSync(path.join('migrations', f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, '9999_later.sql'), 'SELECT 1;\n');
    process.env.SWARMDECK_MIGRATIONS_DIR = dir;
    try {
      const res = await fetch(`${srv.url}/api/health`);
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.status).toBe('unavailable');
      expect(body.migrations.pending).toBe(1);
      expect(body.reason).toMatch(/9999_later\.sql/);
    } finally {
      delete process.env.SWARMDECK_MIGRATIONS_DIR;
    }
  });
});
