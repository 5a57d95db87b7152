import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as telemetryRoute from '@/app/api/v1/telemetry/route';
import { exampleReport } from '@/lib/telemetry/example';
import { command, query } from '@/server/clickhouse/client';
import { runCommand } from '@/server/cli/commands';
import { createIngestKey } from '@/server/ingest/keys';
import { resetIngestConfig } from '@/server/ingest/config';
import { buildReport, reportLines } from '@/server/reports/compute';
import { listBackups, pruneBackups, restoreBackup } from '@/server/store/backup';
// The command list: `backup` and `restore` are run through the same runner as `npm run backup`.
import '@/server/cli/all';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';
import {
  ASN_A,
  ASN_B,
  ASN_C,
  ASN_QUIET,
  buildDataset,
  dayStart,
  expectedReport,
  utcDay,
  type Sent,
} from './reports-fixtures';

const BACKUPS = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-backups-'));
withFreshStore({ SWARMDECK_BACKUP_DIR: BACKUPS, SWARMDECK_INGEST_IP_RATE: '0', SWARMDECK_INGEST_LINGER_MS: '0' });

const DAY = 86_400_000;
const NOW = Date.now();
const data: Sent[] = buildDataset(NOW);
const FROM = utcDay(dayStart(NOW) - 4 * DAY);
const TO = utcDay(NOW);
const ASNS = [ASN_A, ASN_B, ASN_C, ASN_QUIET];
let api: { url: string; close(): Promise<void> };
let key = '';

async function post(reports: unknown[]): Promise<Response> {
  return fetch(`${api.url}/api/v1/telemetry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ reports }),
  });
}

async function ingest(sent: Sent[]) {
  for (let i = 0; i < sent.length; i += 500) {
    const res = await post(sent.slice(i, i + 500).map((s) => s.report));
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ accepted: Math.min(500, sent.length - i), rejected: 0 });
  }
}

const N = z.object({ n: z.coerce.number() });
const count = async (sql: string) => (await query(sql, {}, N))[0]!.n;

/** Every figure of the report (fixed `now`), as the CSV lines and the partner lists. */
async function figures() {
  const r = await buildReport({ asns: ASNS, from: FROM, to: TO, now: NOW });
  return { lines: reportLines(r), totals: r.isps.map((i) => i.totals.line), partners: r.isps.map((i) => i.partners) };
}

beforeAll(async () => {
  resetIngestConfig();
  api = await serveRoutes({ '/api/v1/telemetry': telemetryRoute });
  key = (
    await createIngestKey(
      { name: 'backup-test relay', rateLimitPerSec: 1_000_000, trustedRelay: true },
      { kind: 'system', id: 'test' },
    )
  ).key;
  await ingest(data);
});
afterAll(async () => {
  await api?.close();
  fs.rmSync(BACKUPS, { recursive: true, force: true });
});

describe('backup, wipe, restore', () => {
  it('restores every report figure equal, and loses what came after the backup', async () => {
    const rows = await query(
      'SELECT asn, any(isp) AS isp FROM telemetry_raw GROUP BY asn',
      {},
      z.object({ asn: z.number(), isp: z.string() }),
    );
    const names = new Map(rows.map((r) => [r.asn, r.isp]));
    const before = await figures();
    // Independently computed, so "equal after restore" cannot pass on two empty reports.
    const expected = expectedReport(data, ASNS, FROM, TO, NOW, names);
    expect(before.lines.map((l) => Object.values(l).join(','))).toEqual(
      expected.rows.map((e) => Object.values(e).join(',')),
    );
    const rawBefore = await count('SELECT count() AS n FROM telemetry_raw');
    expect(rawBefore).toBe(data.length);

    // Online: telemetry keeps being acknowledged while BACKUP runs.
    // (an ASN outside the report, flows only to unknown peers: whether they land in the backup changes no figure)
    const extra = Array.from({ length: 50 }, (_, i) =>
      exampleReport({ reportId: `during-${i}`, asn: 64999, flows: [{ peerAsn: 0, down: 500, up: 200 }] }),
    );
    const [lines, during] = await Promise.all([runCommand('backup', {}), post(extra)]);
    expect(during.status).toBe(200);
    expect(lines[0]).toMatch(/^backup swarmdeck-\d{8}T\d{9}Z created in /);
    const [backup] = listBackups();
    expect(backup!.bytes).toBeGreaterThan(0);

    // After the backup: more reports (lost by the restore, by design).
    const later = data.slice(0, 20).map((s) => ({ ...s.report, reportId: `later-${s.report.reportId}` }));
    expect((await post(later)).status).toBe(200);

    // Wipe: every table and view gone.
    const tables = await query(
      "SELECT name, toUInt8(engine = 'MaterializedView') AS v FROM system.tables WHERE database = currentDatabase() ORDER BY v DESC",
      {},
      z.object({ name: z.string(), v: z.number() }),
    );
    expect(tables.length).toBeGreaterThan(20);
    for (const t of tables) await command(`DROP TABLE \`${t.name}\` SYNC`);
    expect(await count('SELECT count() AS n FROM system.tables WHERE database = currentDatabase()')).toBe(0);

    // Telemetry answers 503 + Retry-After while the restore runs.
    const restoring = restoreBackup(backup!.name);
    const refused = await post(later.slice(0, 1));
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const r = await restoring;
    expect(r.tables).toBe(tables.length);

    const after = await figures();
    expect(after).toEqual(before);
    expect(await count("SELECT count() AS n FROM telemetry_raw WHERE report_id LIKE 'later-%'")).toBe(0);
    expect(await count("SELECT count() AS n FROM telemetry_raw WHERE report_id NOT LIKE 'during-%'")).toBe(rawBefore);

    // The restored key still works, and reports sent after the backup are taken again (not "duplicates").
    const again = await post(later);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ accepted: later.length, duplicates: 0 });
  });

  it('keeps the newest backups when pruning, and lists them newest first', async () => {
    await runCommand('backup', {});
    await runCommand('backup', {});
    const all = listBackups();
    expect(all.length).toBe(3);
    expect([...all].sort((a, b) => b.createdAt.localeCompare(a.createdAt))).toEqual(all);
    const removed = pruneBackups(2);
    expect(removed).toEqual([all[2]!.name]);
    expect(listBackups().map((b) => b.name)).toEqual([all[0]!.name, all[1]!.name]);
    await expect(runCommand('restore', { name: '../etc' })).rejects.toThrow(/not a backup name/);
  });
});
