import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { closeStore } from '@/server/clickhouse/client';
import { migrate } from '@/server/clickhouse/migrate';
import { resetEnvCache } from '@/server/env';

/** A fresh embedded store with the real migrations for this test file (one process, one directory). */
export function withFreshStore(extraEnv: Record<string, string> = {}): { dir: string } {
  const state = { dir: '' };
  beforeAll(async () => {
    state.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-test-'));
    process.env.SWARMDECK_DATA_DIR = state.dir;
    delete process.env.CLICKHOUSE_URL;
    Object.assign(process.env, extraEnv);
    resetEnvCache();
    await migrate();
  });
  afterAll(async () => {
    await closeStore();
    fs.rmSync(state.dir, { recursive: true, force: true });
    // backups made by a test (store.backupNow, npm run backup) go beside the data directory by default
    fs.rmSync(`${state.dir}-backups`, { recursive: true, force: true });
  });
  return state;
}
