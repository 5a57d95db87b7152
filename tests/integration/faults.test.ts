import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as telemetry from '@/app/api/v1/telemetry/route';
import * as trpcRoute from '@/app/api/trpc/[trpc]/route';
import * as ofrepAll from '@/app/ofrep/v1/evaluate/flags/route';
import { exampleReport } from '@/lib/telemetry/example';
import { Transport, type TelemetryReport } from '@/sdk/node';
import { command, query, store } from '@/server/clickhouse/client';
import { PUBLIC_MESSAGE } from '@/server/core/errors';
import { resetIngestConfig } from '@/server/ingest/config';
import { metrics } from '@/server/observability/metrics';
import { currentSnapshot } from '@/server/rollout/snapshot';
import { headersAs } from '../helpers/auth';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';

/*
 * Faults made real: the store refuses writes because of its own free-space guard (the MergeTree setting
 * min_free_disk_bytes_to_perform_insert set above the disk's free space — root ignores file modes, the
 * engine does not ignore this), and a store whose console connection is held by a long query.
 */

const KEY = 'faults-ingest-key-0123456789';
withFreshStore({
  SWARMDECK_INGEST_KEY: KEY,
  SWARMDECK_INGEST_IP_RATE: '0',
  SWARMDECK_INGEST_LINGER_MS: '0',
  CLICKHOUSE_QUERY_TIMEOUT_MS: '2000',
});

let srv: Awaited<ReturnType<typeof serveRoutes>>;
beforeAll(async () => {
  resetIngestConfig();
  srv = await serveRoutes({
    '/api/v1/telemetry': telemetry,
    '/api/trpc/:trpc': trpcRoute,
    '/ofrep/v1/evaluate/flags': ofrepAll,
  });
});
afterAll(() => srv.close());

let seq = 0;
const report = (p: string) =>
  exampleReport({ reportId: `${p}-${Date.now().toString(36)}-${seq++}` }) as unknown as TelemetryReport;
async function post(reports: unknown[]) {
  const res = await fetch(`${srv.url}/api/v1/telemetry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ reports }),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as Record<string, unknown>,
  };
}
const Counts = z.object({ raw: z.coerce.number(), ids: z.coerce.number(), flows: z.coerce.number() });
async function stored(ids: string[]) {
  const [r] = await query(
    `SELECT (SELECT count() FROM telemetry_raw WHERE report_id IN {ids:Array(String)}) AS raw,
            (SELECT uniqExact(report_id) FROM telemetry_raw WHERE report_id IN {ids:Array(String)}) AS ids,
            (SELECT count() FROM telemetry_flows WHERE report_id IN {ids:Array(String)}) AS flows`,
    { ids },
    Counts,
  );
  return r!;
}
async function until(ok: () => boolean | Promise<boolean>, what: string, ms = 60_000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the store refuses writes', () => {
  it('answers 503 + Retry-After, loses nothing acknowledged, resumes by itself, and the SDK buffer arrives once', async () => {
    const acked = Array.from({ length: 10 }, () => report('acked'));
    expect((await post(acked)).status).toBe(200);

    const failuresBefore = (await metrics().writerFailures.get()).values[0]?.value ?? 0;
    await command(
      'ALTER TABLE telemetry_raw MODIFY SETTING min_free_disk_bytes_to_perform_insert = 1000000000000000000',
    );
    try {
      const refused = Array.from({ length: 5 }, () => report('refused'));
      const r = await post(refused);
      expect(r.status).toBe(503);
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
      expect(r.body.error).toMatch(/nothing/i);
      expect(await stored(refused.map((x) => x.reportId))).toEqual({ raw: 0, ids: 0, flows: 0 });
      expect(((await metrics().writerFailures.get()).values[0]?.value ?? 0) - failuresBefore).toBeGreaterThanOrEqual(1);

      // A player's SDK keeps what it could not deliver and retries on its own.
      const sdk = new Transport({
        endpoint: `${srv.url}/api/v1/telemetry`,
        ingestKey: KEY,
        compress: false,
        retryBaseMs: 100,
        retryMaxMs: 1000,
      });
      const buffered = Array.from({ length: 30 }, () => report('sdk'));
      for (const b of buffered) sdk.enqueue(b);
      await sdk.flush({ force: true });
      expect(sdk.stats().lastStatus).toBe(503);
      expect(sdk.stats().queued).toBe(30);

      // The store accepts writes again: nobody restarts anything.
      await command('ALTER TABLE telemetry_raw RESET SETTING min_free_disk_bytes_to_perform_insert');
      await until(() => sdk.stats().queued === 0, 'the SDK to deliver its buffer');
      sdk.close();
      expect(sdk.stats().accepted).toBe(30);
      // exactly once, with their flow rows (the views saw each report once)
      expect(await stored(buffered.map((x) => x.reportId))).toEqual({ raw: 30, ids: 30, flows: 60 });
      // the refused request's client sends it again and it is taken now
      expect((await post(refused)).body).toMatchObject({ accepted: 5, duplicates: 0 });
    } finally {
      await command('ALTER TABLE telemetry_raw RESET SETTING min_free_disk_bytes_to_perform_insert').catch(
        () => undefined,
      );
    }
    // nothing acknowledged before the fault was lost
    expect(await stored(acked.map((x) => x.reportId))).toEqual({ raw: 10, ids: 10, flows: 20 });
  });
});

describe('a slow store', () => {
  it('the console gets an error answer (its panels’ error state) while OFREP keeps answering from its snapshot', async () => {
    await currentSnapshot();
    const { headers } = await headersAs('viewer');
    // Warm the session's user lookup and the route before the store is held.
    expect((await fetch(`${srv.url}/api/trpc/store.status`, { headers })).status).toBe(200);

    // Hold the console's store connection: chdb runs one statement at a time per connection.
    const s = await store();
    let held = true;
    const hold = s.client
      .query({
        query:
          'SELECT sleepEachRow(0.5) FROM numbers(16) SETTINGS max_block_size = 1, function_sleep_max_microseconds_per_block = 0',
        format: 'JSONEachRow',
      })
      .then((r) => r.json())
      .finally(() => (held = false));
    await new Promise((r) => setTimeout(r, 200));

    const consoleAnswer = await fetch(`${srv.url}/api/trpc/store.status`, { headers });
    const body = (await consoleAnswer.json()) as { error?: { json?: { message?: string } } };
    // a query abandoned at CLICKHOUSE_QUERY_TIMEOUT_MS is a timeout (504), whatever chdb called the abort,
    // and the panel's error state shows the public message, never the store's own words
    expect(consoleAnswer.status).toBe(504);
    expect(body.error?.json?.message).toBe(PUBLIC_MESSAGE.timeout);
    expect(JSON.stringify(body)).not.toMatch(/ClickHouse|abort|sleepEachRow|Code: \d+/i);
    expect(held).toBe(true);

    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${srv.url}/ofrep/v1/evaluate/flags`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ context: { targetingKey: `dev-${i}`, deviceClass: 'smart_tv' } }),
      });
      expect(res.status).toBe(200);
      const flags = (await res.json()) as { flags: { key: string; value: unknown }[] };
      expect(flags.flags.length).toBeGreaterThan(0);
    }
    // every OFREP answer came while the store was still held
    expect(held).toBe(true);
    await hold;
    // and the console recovers by itself once the store answers again
    expect((await fetch(`${srv.url}/api/trpc/store.status`, { headers })).status).toBe(200);
  });
});
