import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as telemetry from '@/app/api/v1/telemetry/route';
import { createReporter, gzipNode, Transport, type Reporter, type TelemetryReport } from '@/sdk/node';
import { closeStore, query } from '@/server/clickhouse/client';
import { resetIngestConfig } from '@/server/ingest/config';
import { resetIngestWriter } from '@/server/ingest/writer';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';

/*
 * The SDK against the real ingestion endpoint: a small real proxy in front of it can answer 503 for a
 * while, lose responses after the server stored the batch, or find the server gone (a restart: route
 * server closed, store closed, writer and its dedup cache dropped, all reopened). Figures are read back
 * from telemetry_raw.
 */

const KEY = 'sdk-transport-ingest-key-0001';
withFreshStore({ SWARMDECK_INGEST_KEY: KEY, SWARMDECK_INGEST_IP_RATE: '0', SWARMDECK_INGEST_LINGER_MS: '0' });

type Mode =
  { kind: 'pass' } | { kind: '503'; left: number; retryAfter?: string } | { kind: 'lose-response'; left: number };

interface Seen {
  ids: string[];
  gzip: boolean;
  answered: number | 'lost' | 'refused';
}

let upstream: { url: string; close(): Promise<void> } | null = null;
let mode: Mode = { kind: 'pass' };
const seen: Seen[] = [];
let proxy: http.Server;
let endpoint = '';

async function startUpstream() {
  upstream = await serveRoutes({ '/api/v1/telemetry': telemetry });
}

/** A server restart: no listener, the store closed, the writer (and its in-memory dedup cache) gone. */
async function stopServer() {
  await upstream?.close();
  upstream = null;
  await closeStore();
  resetIngestWriter();
}

beforeAll(async () => {
  resetIngestConfig();
  await startUpstream();
  proxy = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const gzip = req.headers['content-encoding'] === 'gzip';
    const body = JSON.parse((gzip ? zlib.gunzipSync(raw) : raw).toString('utf8')) as { reports: TelemetryReport[] };
    const entry: Seen = { ids: body.reports.map((r) => r.reportId), gzip, answered: 0 };
    seen.push(entry);
    if (mode.kind === '503' && mode.left-- > 0) {
      entry.answered = 503;
      res
        .writeHead(503, { 'retry-after': mode.retryAfter ?? '0', 'content-type': 'application/json' })
        .end('{"error":"storage unavailable"}');
      return;
    }
    if (!upstream) {
      entry.answered = 'refused';
      req.socket.destroy();
      return;
    }
    const up = await fetch(`${upstream.url}/api/v1/telemetry`, {
      method: 'POST',
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)) as [
          string,
          string,
        ][],
      ),
      body: raw,
    });
    const text = await up.text();
    if (mode.kind === 'lose-response' && mode.left-- > 0) {
      // Stored by the server, but the answer never reaches the client.
      entry.answered = 'lost';
      req.socket.destroy();
      return;
    }
    entry.answered = up.status;
    res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' }).end(text);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/api/v1/telemetry`;
  // Warm up (key cache, IP database, first insert) so the first test measures the SDK, not a cold start.
  const warm = reporter();
  interval(warm, 0);
  await warm.flush();
  await until(() => warm.stats().queued === 0, 'warm-up');
  warm.transport.close();
}, 120_000);

afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise<void>((r) => proxy?.close(() => r()));
  await upstream?.close();
});

const Stored = z.object({
  n: z.coerce.number(),
  ids: z.coerce.number(),
  cdn: z.coerce.number(),
  p2p: z.coerce.number(),
});
async function stored(ids: string[]) {
  return (
    await query(
      'SELECT count() AS n, uniqExact(report_id) AS ids, sum(bytes_cdn) AS cdn, sum(bytes_p2p_down) AS p2p FROM telemetry_raw WHERE report_id IN {ids:Array(String)}',
      { ids },
      Stored,
    )
  )[0]!;
}

let clock = Date.now() - 10 * 60_000;
let deviceSeq = 0;
function reporter(over: Partial<Parameters<typeof createReporter>[0]> = {}): Reporter {
  return createReporter({
    endpoint,
    ingestKey: KEY,
    autoStart: false,
    now: () => clock,
    compress: gzipNode,
    retryBaseMs: 20,
    retryMaxMs: 200,
    session: {
      deviceId: `dev-${++deviceSeq}`,
      deviceClass: 'desktop',
      clientVersion: '9.4.1',
      contentId: 'title-001',
      swarmId: 'title-001/hd',
    },
    config: { p2pMode: 'full', cohort: 'p2p', configVersion: 1 },
    ...over,
  });
}

/** One interval of traffic: playing at 3 Mbit/s for 10 s, a third of it from a Comcast peer. */
function interval(r: Reporter, k: number): TelemetryReport {
  r.counters.playRequested();
  r.counters.playing();
  r.counters.addCdn(2_500_000 + k);
  r.counters.addP2pDown(1_250_000, 7922);
  r.counters.addP2pUp(400_000, 3320);
  clock += 10_000;
  return r.collect()!;
}

async function until(cond: () => boolean, what: string, ms = 90_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end)
      throw new Error(
        `timed out waiting for ${what}; proxy saw ${JSON.stringify(seen.map((x) => [x.ids.length, x.answered]))}`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('SDK transport against the real ingestion endpoint', () => {
  it('retries through a window of 503s with the same reportIds, honouring Retry-After, and stores each report once', async () => {
    seen.length = 0;
    mode = { kind: '503', left: 3, retryAfter: '1' };
    const r = reporter({ sendEveryMs: 1_000 });
    const made = [interval(r, 1), interval(r, 2), interval(r, 3)];
    const ids = made.map((x) => x.reportId);
    const t0 = Date.now();
    await r.flush();
    // The backoff after a 503 is at least its Retry-After.
    expect(r.stats().lastStatus).toBe(503);
    expect(r.stats().nextAttemptAt - t0).toBeGreaterThanOrEqual(1_000);
    await until(() => r.stats().queued === 0, 'delivery');
    expect(seen.map((s) => s.answered)).toEqual([503, 503, 503, 200]);
    for (const s of seen) expect(s.ids).toEqual(ids);
    expect(seen.every((s) => s.gzip)).toBe(true);
    expect(await stored(ids)).toEqual({
      n: 3,
      ids: 3,
      cdn: made.reduce((a, x) => a + x.bytes.cdn, 0),
      p2p: 3 * 1_250_000,
    });
    expect(r.stats()).toMatchObject({ accepted: 3, duplicates: 0, retries: 3, droppedOverflow: 0 });
    r.transport.close();
  });

  it('resends after lost responses; the endpoint answers duplicates and nothing is counted twice', async () => {
    seen.length = 0;
    mode = { kind: 'lose-response', left: 2 };
    const r = reporter();
    const made = [interval(r, 1), interval(r, 2)];
    await r.flush();
    await until(() => r.stats().queued === 0, 'delivery');
    expect(seen.map((s) => s.answered)).toEqual(['lost', 'lost', 200]);
    expect(r.stats()).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(await stored(made.map((x) => x.reportId))).toMatchObject({ n: 2, ids: 2 });
    r.transport.close();
  });

  it('survives a server restart: buffered while down, nothing lost, nothing twice (dedup from the store alone)', async () => {
    seen.length = 0;
    mode = { kind: 'lose-response', left: 1 };
    const r = reporter();
    const made: TelemetryReport[] = [interval(r, 1), interval(r, 2)];
    await r.flush(); // stored, answer lost → queued for a resend
    expect(r.stats().queued).toBe(2);
    await stopServer();
    for (let k = 3; k <= 8; k++) {
      made.push(interval(r, k));
      await r.flush({ force: true });
    }
    expect(seen.filter((s) => s.answered === 'refused').length).toBeGreaterThan(0);
    expect(r.stats().queued).toBe(8);
    await startUpstream();
    await r.flush({ force: true });
    await until(() => r.stats().queued === 0, 'delivery after restart');
    const ids = made.map((x) => x.reportId);
    expect(await stored(ids)).toEqual({
      n: 8,
      ids: 8,
      cdn: made.reduce((a, x) => a + x.bytes.cdn, 0),
      p2p: 8 * 1_250_000,
    });
    expect(r.stats()).toMatchObject({ accepted: 6, duplicates: 2, droppedOverflow: 0, droppedExpired: 0 });
    r.transport.close();
  });

  it('bounds the offline buffer: drops the oldest first and counts them', async () => {
    seen.length = 0;
    mode = { kind: 'pass' };
    const dropped: string[] = [];
    const r = reporter({
      bufferLimit: 4,
      onDropped: (rs, why) => why === 'overflow' && dropped.push(...rs.map((x) => x.reportId)),
    });
    await stopServer();
    const made: TelemetryReport[] = [];
    for (let k = 1; k <= 10; k++) {
      made.push(interval(r, k));
      await r.flush({ force: true });
    }
    expect(r.stats()).toMatchObject({ queued: 4, droppedOverflow: 6 });
    expect(dropped).toEqual(made.slice(0, 6).map((x) => x.reportId));
    await startUpstream();
    await r.flush({ force: true });
    await until(() => r.stats().queued === 0, 'delivery');
    expect(await stored(made.slice(6).map((x) => x.reportId))).toMatchObject({ n: 4 });
    expect(await stored(made.slice(0, 6).map((x) => x.reportId))).toMatchObject({ n: 0 });
    r.transport.close();
  });

  it('never resends a report older than 24 hours: it is dropped and counted', async () => {
    seen.length = 0;
    mode = { kind: 'pass' };
    let wall = Date.now();
    const expired: string[] = [];
    const transport = new Transport({
      endpoint,
      ingestKey: KEY,
      clock: () => wall,
      retryBaseMs: 20,
      retryMaxMs: 50,
      autoRetry: false,
      onDropped: (rs, why) => why === 'expired' && expired.push(...rs.map((x) => x.reportId)),
    });
    const r = reporter({ transport });
    const old = [interval(r, 1), interval(r, 2)];
    await stopServer();
    await r.flush({ force: true });
    expect(transport.stats().queued).toBe(2);
    wall += 24 * 3_600_000;
    const fresh = interval(r, 3);
    await startUpstream();
    await r.flush({ force: true });
    expect(transport.stats()).toMatchObject({ queued: 0, droppedExpired: 2, accepted: 1 });
    expect(expired).toEqual(old.map((x) => x.reportId));
    const after = seen.filter((s) => s.answered === 200);
    expect(after).toHaveLength(1);
    expect(after[0]!.ids).toEqual([fresh.reportId]);
    expect(await stored(old.map((x) => x.reportId))).toMatchObject({ n: 0 });
  });
});
