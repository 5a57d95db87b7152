/**
 * Upgrading a store that already holds reports to the exact distinct-count rollups (migration 0042):
 * the store is built with the migrations before it, the hand-built dataset goes in through the real
 * ingestion API, then the remaining migrations run. Their backfill must rebuild the peer/session sets and
 * startup samples from the raw reports without counting any byte twice, so every dashboard figure read
 * from the upgraded rollups equals the same figure computed from telemetry_raw.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as telemetry from '@/app/api/v1/telemetry/route';
import { closeStore, command, query } from '@/server/clickhouse/client';
import { migrate, migrationsDir, readMigrations, splitStatements } from '@/server/clickhouse/migrate';
import { FIGURES } from '@/server/dashboards/service';
import { resetEnvCache } from '@/server/env';
import { resetIngestConfig } from '@/server/ingest/config';
import { serveRoutes } from '../helpers/http';
import { expectRollupsEqualRaw } from './dashboards-compare';
import { buildDataset, distinct, ENV, HOUR, ingest, sum, within } from './dashboards-fixture';

const now = Date.now();
const { reports, base } = buildDataset(now);
let dataDir = '';
let before = '';

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-upgrade-'));
  before = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-mig-before-'));
  for (const f of readMigrations()) if (f.version < 42) fs.writeFileSync(path.join(before, f.file), f.sql);
  process.env.SWARMDECK_DATA_DIR = dataDir;
  delete process.env.CLICKHOUSE_URL;
  Object.assign(process.env, ENV);
  resetEnvCache();
  resetIngestConfig();
  await migrate(before);
  const srv = await serveRoutes({ '/api/v1/telemetry': telemetry });
  try {
    await ingest(`${srv.url}/api/v1/telemetry`, reports);
  } finally {
    await srv.close();
  }
});
afterAll(async () => {
  await closeStore();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(before, { recursive: true, force: true });
});

describe('migration 0042 on a store that already holds reports', () => {
  it('backfills the sets: every figure equals the raw-table figure, bytes counted once', async () => {
    const { applied } = await migrate(migrationsDir());
    expect(applied).toContain('0042_dashboard_exact_distinct.sql');
    const ranges = [
      { from: new Date(base - 3 * HOUR), to: new Date(base) },
      { from: new Date(base - 11 * HOUR - 7 * 60_000), to: new Date(base + 23 * 60_000) },
      { from: new Date(base - 47 * HOUR), to: new Date(base + HOUR) },
    ];
    for (const range of ranges)
      for (const filters of [{}, { contentId: 'title-a' }, { asn: 15169 }])
        await expectRollupsEqualRaw(range, filters, now);
    // And against the dataset itself: the 3 h window's bytes and distinct peers.
    const xs = within(reports, base - 3 * HOUR, base);
    const series = await FIGURES.offloadSeries({ range: ranges[0]!, filters: {} }, { now });
    expect(series.totals.cdnBytes).toBe(sum(xs, (r) => r.bytes.cdn));
    const o = await FIGURES.overview({ range: ranges[0]!, filters: {} }, { now });
    expect(o.current.activePeers).toBe(distinct(xs, (r) => r.peerId));
  });

  it('re-running the backfill (as after a failed upgrade) adds nothing', async () => {
    const totals = async () =>
      (
        await query(
          `SELECT (SELECT sum(length(startup_samples)) FROM dash_totals_1m) AS m, (SELECT sum(length(startup_samples)) FROM dash_totals_15m) AS q,
             (SELECT sum(length(startup_samples)) FROM dash_totals_wide_1h) AS h, (SELECT sum(bytes_cdn) FROM dash_swarm_1h) AS cdn`,
          {},
          z.object({ m: z.coerce.number(), q: z.coerce.number(), h: z.coerce.number(), cdn: z.coerce.number() }),
        )
      )[0]!;
    const startups = reports.filter((r) => r.qoe.startupMs !== undefined).length;
    const cdn = sum(reports, (r) => r.bytes.cdn);
    expect(await totals()).toEqual({ m: startups, q: startups, h: startups, cdn });
    const sql = readMigrations().find((f) => f.version === 42)!.sql;
    const inserts = splitStatements(sql).filter((s) => /^INSERT INTO/m.test(s));
    expect(inserts.length).toBe(6);
    for (const stmt of inserts) await command(stmt);
    expect(await totals()).toEqual({ m: startups, q: startups, h: startups, cdn });
  });
});
