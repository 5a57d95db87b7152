import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exampleReport } from '@/lib/telemetry/example';
import { TelemetryReport } from '@/lib/telemetry/schema';
import { query } from '@/server/clickhouse/client';
import { resetIngestConfig } from '@/server/ingest/config';
import { ingestReports } from '@/server/ingest/ingest';
import { ingestWriter, resetIngestWriter } from '@/server/ingest/writer';
import { withFreshStore } from '../helpers/store';

/*
 * The writer's memory of recent report ids, made tiny: 100 ids exactly, 400 more in Bloom filters (8
 * generations of 50). Duplicates are still answered as duplicates whichever of the three holds them —
 * the exact map, a filter (then the store confirms), or nothing any more (the look-up horizon covers
 * them) — and while the filters hold what was evicted, new ids need no store look-up beyond the
 * filters' few false "maybe"s.
 */
withFreshStore({
  SWARMDECK_INGEST_LINGER_MS: '0',
  SWARMDECK_INGEST_SEEN_MEMORY_IDS: '100',
  SWARMDECK_INGEST_SEEN_FILTER_IDS: '400',
});

let seq = 0;
const make = (n: number) =>
  Array.from({ length: n }, () =>
    TelemetryReport.parse(
      exampleReport({ reportId: `sm-${Date.now().toString(36)}-${(seq++).toString().padStart(6, '0')}` }),
    ),
  );
const send = (reports: TelemetryReport[]) => ingestReports(reports, { keyId: 'seen-memory-test', trustedRelay: false });
const stored = async (reports: TelemetryReport[]) =>
  (
    await query(
      'SELECT count() AS n FROM telemetry_raw WHERE report_id IN {ids:Array(String)}',
      { ids: reports.map((r) => r.reportId) },
      z.object({ n: z.coerce.number() }),
    )
  )[0]!.n;

describe('the writer remembers recent ids in bounded memory', () => {
  it('answers duplicates held exactly, in a filter, and past the filters; new ids need few look-ups', async () => {
    resetIngestConfig();
    await resetIngestWriter();
    const w = ingestWriter();
    // 300 reports in batches of 30: the first 200 leave the exact map for the filters
    const first = make(300);
    for (let i = 0; i < first.length; i += 30) expect((await send(first.slice(i, i + 30))).accepted).toBe(30);
    // a fresh store: nothing was stored before this writer and nothing was lost yet, so the only ids
    // asked are the filters' rare false "maybe"s once they hold the evicted ids
    expect(w.spans.lookedUpIds).toBeLessThanOrEqual(3);

    // new ids: only the filters' false "maybe"s are asked (≈ 1 % at the most)
    const fresh = make(100);
    const asked0 = w.spans.lookedUpIds;
    expect(await send(fresh)).toEqual({ accepted: 100, duplicates: 0 });
    expect(w.spans.lookedUpIds - asked0).toBeLessThanOrEqual(5);

    // the first 100 are in the filters now; the last 100 sent are remembered exactly
    const before = w.spans.lookedUpIds;
    expect(await send(first.slice(0, 50))).toEqual({ accepted: 0, duplicates: 50 });
    expect(w.spans.lookedUpIds - before).toBeGreaterThanOrEqual(50);
    expect(await send(fresh.slice(50))).toEqual({ accepted: 0, duplicates: 50 });

    // 600 more: the filters (400) overflow, their oldest generations are dropped and the horizon moves
    // past them, so every unknown id is looked up again — and the oldest reports still are duplicates
    const more = make(600);
    for (let i = 0; i < more.length; i += 60) expect((await send(more.slice(i, i + 60))).accepted).toBe(60);
    const asked = w.spans.lookedUpIds;
    expect(await send([...first, ...make(10)])).toEqual({ accepted: 10, duplicates: 300 });
    expect(w.spans.lookedUpIds - asked).toBe(310);

    expect(await stored(first)).toBe(300);
    expect(await stored(fresh)).toBe(100);
    expect(await stored(more)).toBe(600);
  });

  it('a writer starting beside stored reports reads their ids into its filters once, then stops looking new ids up', async () => {
    process.env.SWARMDECK_INGEST_SEEN_FILTER_IDS = '5000';
    resetIngestConfig();
    await resetIngestWriter();
    const w = ingestWriter();
    const storedIds = (await query('SELECT report_id FROM telemetry_raw', {}, z.object({ report_id: z.string() }))).map(
      (r) => r.report_id,
    );
    expect(storedIds.length).toBeGreaterThanOrEqual(300);
    // its first batch: reports from before it exist, so every unknown id is asked, and the preload starts
    const a = make(20);
    expect(await send(a)).toEqual({ accepted: 20, duplicates: 0 });
    expect(w.spans.lookedUpIds).toBe(20);
    const until = Date.now() + 30_000;
    while (w.preload.state === 'loading' && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(w.preload).toMatchObject({ state: 'done', ids: storedIds.length });
    // new ids: only the filters' false "maybe"s
    const asked = w.spans.lookedUpIds;
    expect(await send(make(100))).toEqual({ accepted: 100, duplicates: 0 });
    expect(w.spans.lookedUpIds - asked).toBeLessThanOrEqual(5);
    // every report stored before this writer is still a duplicate (the filter says maybe, the store says yes)
    const old = storedIds.slice(0, 300).map((id) => TelemetryReport.parse(exampleReport({ reportId: id })));
    expect(await send(old)).toEqual({ accepted: 0, duplicates: 300 });
  });
});
