import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exampleReport } from '@/lib/telemetry/example';
import { closeStore, query } from '@/server/clickhouse/client';
import { resetEnvCache } from '@/server/env';
import { startApp } from '../helpers/app';

const KEY = 'durability-key-0123456789';

/** Open the store a stopped (or killed) server left, in this process, for `read`; closed after. */
async function readStoreOf(dataDir: string, read: () => Promise<void>): Promise<void> {
  process.env.SWARMDECK_DATA_DIR = dataDir;
  delete process.env.CLICKHOUSE_URL;
  resetEnvCache();
  try {
    await read();
  } finally {
    await closeStore();
  }
}

async function post(url: string, reports: unknown[]) {
  const res = await fetch(`${url}/api/v1/telemetry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: new Uint8Array(zlib.gzipSync(JSON.stringify({ reports }))),
  });
  return { status: res.status, body: (await res.json()) as { accepted: number; duplicates: number } };
}

describe('a 200 is durable', () => {
  it('keeps every accepted report through kill -9, and still knows them as duplicates after restart', async () => {
    const env = { SWARMDECK_INGEST_KEY: KEY, SWARMDECK_INGEST_IP_RATE: '0' };
    const app = await startApp({ env });
    const stamp = Date.now().toString(36);
    const batches = Array.from({ length: 4 }, (_, b) =>
      Array.from({ length: 1000 }, (_, i) =>
        exampleReport({ reportId: `kill9-${stamp}-${b}-${i}`, bytes: { cdn: 7, p2pDown: 500, p2pUp: 200 } }),
      ),
    );
    const results = await Promise.all(batches.map((b) => post(app.url, b)));
    for (const r of results)
      expect(r).toEqual({ status: 200, body: expect.objectContaining({ accepted: 1000, duplicates: 0 }) });
    await app.kill9();

    const again = await startApp({ env, dataDir: app.dataDir });
    try {
      const retry = await post(again.url, batches[0]!);
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ accepted: 0, duplicates: 1000 });
    } finally {
      await again.stop();
    }

    await readStoreOf(app.dataDir, async () => {
      const N = z.object({ n: z.coerce.number(), cdn: z.coerce.number() });
      const [raw] = await query(
        "SELECT count() AS n, sum(bytes_cdn) AS cdn FROM telemetry_raw WHERE startsWith(report_id, 'kill9-')",
        {},
        N,
      );
      expect(raw).toEqual({ n: 4000, cdn: 4000 * 7 });
      const [flows] = await query(
        "SELECT count() AS n, 0 AS cdn FROM telemetry_flows WHERE startsWith(report_id, 'kill9-')",
        {},
        N,
      );
      expect(flows!.n).toBe(8000);
    });
  });
});

async function writerStats(url: string, dataDir: string, line = 'writer:'): Promise<string> {
  const { token } = JSON.parse(fs.readFileSync(path.join(dataDir, '.swarmdeck-server.json'), 'utf8')) as {
    token: string;
  };
  const res = await fetch(`${url}/_admin/cli`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ command: 'ingest:stats', args: { query: 'counts' } }),
  });
  expect(res.status).toBe(200);
  const { lines } = (await res.json()) as { lines: string[] };
  return lines.find((l) => l.startsWith(line)) ?? '';
}

describe('a 200 from the fastest path is durable', () => {
  it('keeps reports acknowledged without any store look-up through kill -9; the restarted writer asks the store and finds them', async () => {
    const env = { SWARMDECK_INGEST_KEY: KEY, SWARMDECK_INGEST_IP_RATE: '0' };
    const app = await startApp({ env });
    const stamp = Date.now().toString(36);
    const batches = Array.from({ length: 3 }, (_, b) =>
      Array.from({ length: 800 }, (_, i) =>
        exampleReport({ reportId: `fast-${stamp}-${b}-${i}`, bytes: { cdn: 11, p2pDown: 500, p2pUp: 200 } }),
      ),
    );
    // a fresh store: the writer knows every id from memory, so it decides without reading the index
    for (const r of await Promise.all(batches.map((b) => post(app.url, b)))) {
      expect(r).toEqual({ status: 200, body: expect.objectContaining({ accepted: 800, duplicates: 0 }) });
    }
    expect(await writerStats(app.url, app.dataDir)).toMatch(/, 0 store look-ups/);
    await app.kill9();

    const again = await startApp({ env, dataDir: app.dataDir });
    try {
      for (const b of batches) {
        const retry = await post(again.url, b);
        expect(retry).toEqual({ status: 200, body: expect.objectContaining({ accepted: 0, duplicates: 800 }) });
      }
      // memory of the new process is empty: those answers came from the persistent index
      expect(await writerStats(again.url, again.dataDir)).toMatch(/, [1-9]\d* store look-ups/);
    } finally {
      await again.stop();
    }

    await readStoreOf(app.dataDir, async () => {
      const N = z.object({ n: z.coerce.number(), cdn: z.coerce.number() });
      const [raw] = await query(
        "SELECT count() AS n, sum(bytes_cdn) AS cdn FROM telemetry_raw WHERE startsWith(report_id, 'fast-')",
        {},
        N,
      );
      expect(raw).toEqual({ n: 2400, cdn: 2400 * 11 });
      const [flows] = await query(
        "SELECT count() AS n, 0 AS cdn FROM telemetry_flows WHERE startsWith(report_id, 'fast-')",
        {},
        N,
      );
      expect(flows!.n).toBe(2400 * 2);
      const [ids] = await query(
        "SELECT uniqExact(report_id) AS n, 0 AS cdn FROM ingest_report_ids WHERE startsWith(report_id, 'fast-')",
        {},
        N,
      );
      expect(ids!.n).toBe(2400);
    });
  });
});

describe('a 200 from the landing path is durable', () => {
  it('keeps reports acknowledged once landed (before any move) through kill -9; the restart moves them into every figure once', async () => {
    // every batch lands, and no move starts for ten minutes: the kill comes between the answers and the move
    const landEnv = {
      SWARMDECK_INGEST_KEY: KEY,
      SWARMDECK_INGEST_IP_RATE: '0',
      SWARMDECK_INGEST_LANDING: 'always',
      SWARMDECK_INGEST_MOVE_LINGER_MS: '600000',
    };
    const app = await startApp({ env: landEnv });
    const stamp = Date.now().toString(36);
    const cdn = (b: number, i: number) => 10 + ((b * 1000 + i) % 13);
    const batches = Array.from({ length: 3 }, (_, b) =>
      Array.from({ length: 700 }, (_, i) =>
        exampleReport({
          reportId: `land-${stamp}-${b}-${i}`,
          deviceClass: 'set_top_box',
          bytes: { cdn: cdn(b, i), p2pDown: 500, p2pUp: 200 },
        }),
      ),
    );
    for (const r of await Promise.all(batches.map((b) => post(app.url, b)))) {
      expect(r).toEqual({ status: 200, body: expect.objectContaining({ accepted: 700, duplicates: 0 }) });
    }
    expect(await writerStats(app.url, app.dataDir, 'landing:')).toMatch(
      /^landing: [1-3] batches landed, 0 moves .*, 2100 rows waiting$/,
    );
    await app.kill9();

    // restarted with the defaults: its start-up moves what was landed, then the retries are duplicates
    const env = { SWARMDECK_INGEST_KEY: KEY, SWARMDECK_INGEST_IP_RATE: '0' };
    const again = await startApp({ env, dataDir: app.dataDir });
    try {
      for (const b of batches) {
        const retry = await post(again.url, b);
        expect(retry).toEqual({ status: 200, body: expect.objectContaining({ accepted: 0, duplicates: 700 }) });
      }
    } finally {
      await again.stop();
    }

    await readStoreOf(app.dataDir, async () => {
      const sumCdn = batches.reduce((s, b, bi) => s + b.reduce((t, _, i) => t + cdn(bi, i), 0), 0);
      const F = z.object({
        raw: z.coerce.number(),
        cdn: z.coerce.number(),
        flows: z.coerce.number(),
        ids: z.coerce.number(),
        dash: z.coerce.number(),
        dashCdn: z.coerce.number(),
        landed: z.coerce.number(),
      });
      const [f] = await query(
        `SELECT
           (SELECT count() FROM telemetry_raw WHERE startsWith(report_id, 'land-')) AS raw,
           (SELECT sum(bytes_cdn) FROM telemetry_raw WHERE startsWith(report_id, 'land-')) AS cdn,
           (SELECT count() FROM telemetry_flows WHERE startsWith(report_id, 'land-')) AS flows,
           (SELECT uniqExact(report_id) FROM ingest_report_ids WHERE startsWith(report_id, 'land-')) AS ids,
           (SELECT sum(reports) FROM dash_totals_1m WHERE device_class = 'set_top_box') AS dash,
           (SELECT sum(bytes_cdn) FROM dash_totals_1m WHERE device_class = 'set_top_box') AS dashCdn,
           (SELECT count() FROM ingest_landing) AS landed`,
        {},
        F,
      );
      expect(f).toEqual({ raw: 2100, cdn: sumCdn, flows: 2100 * 2, ids: 2100, dash: 2100, dashCdn: sumCdn, landed: 0 });
    });
  });
});
