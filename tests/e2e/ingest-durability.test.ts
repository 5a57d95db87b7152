import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exampleReport } from '@/lib/telemetry/example';
import { closeStore, query } from '@/server/clickhouse/client';
import { resetEnvCache } from '@/server/env';
import { startApp } from '../helpers/app';

const KEY = 'durability-key-0123456789';

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
      Array.from({ length: 1000 }, (_, i) => exampleReport({ reportId: `kill9-${stamp}-${b}-${i}`, bytes: { cdn: 7, p2pDown: 500, p2pUp: 200 } })),
    );
    const results = await Promise.all(batches.map((b) => post(app.url, b)));
    for (const r of results) expect(r).toEqual({ status: 200, body: expect.objectContaining({ accepted: 1000, duplicates: 0 }) });
    await app.kill9();

    const again = await startApp({ env, dataDir: app.dataDir });
    try {
      const retry = await post(again.url, batches[0]!);
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ accepted: 0, duplicates: 1000 });
    } finally {
      await again.stop();
    }

    process.env.SWARMDECK_DATA_DIR = app.dataDir;
    delete process.env.CLICKHOUSE_URL;
    resetEnvCache();
    try {
      const N = z.object({ n: z.coerce.number(), cdn: z.coerce.number() });
      const [raw] = await query("SELECT count() AS n, sum(bytes_cdn) AS cdn FROM telemetry_raw WHERE startsWith(report_id, 'kill9-')", {}, N);
      expect(raw).toEqual({ n: 4000, cdn: 4000 * 7 });
      const [flows] = await query("SELECT count() AS n, 0 AS cdn FROM telemetry_flows WHERE startsWith(report_id, 'kill9-')", {}, N);
      expect(flows!.n).toBe(8000);
    } finally {
      await closeStore();
    }
  });
});
