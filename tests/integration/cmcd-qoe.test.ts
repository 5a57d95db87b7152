import { CmcdEventType, CmcdReporter, type Cmcd } from '@svta/cml-cmcd';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import * as cmcdRoute from '@/app/api/v1/cmcd/route';
import * as telemetry from '@/app/api/v1/telemetry/route';
import { exampleReport } from '@/lib/telemetry/example';
import { query } from '@/server/clickhouse/client';
import { cmcdGuardrailRows } from '@/server/cmcd/guardrail';
import { qoe } from '@/server/dashboards/service';
import { resetIngestConfig } from '@/server/ingest/config';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';

/**
 * The real `CmcdReporter` (event mode, what hls.js / dash.js / Shaka embed) against the real endpoint,
 * then the QoE figures — each expected value computed here from the scripted playback, not from what the
 * server stored.
 */

const KEY = 'test-bootstrap-key-cmcd-qoe-0123';
withFreshStore({ SWARMDECK_INGEST_KEY: KEY, SWARMDECK_INGEST_IP_RATE: '0', SWARMDECK_INGEST_LINGER_MS: '0' });

const HOUR = 3_600_000;
/** Whole hours, so a fixed range [T0 − 1 h, T0 + 2 h) reads the minute grain and every event is inside. */
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
const RANGE = { from: new Date(T0 - HOUR), to: new Date(T0 + 2 * HOUR) };

let base = '';
let close: () => Promise<void>;
beforeAll(async () => {
  resetIngestConfig();
  const s = await serveRoutes({ '/api/v1/cmcd': cmcdRoute, '/api/v1/telemetry': telemetry });
  base = s.url;
  close = s.close;
});
afterAll(() => close?.());

type Step = { at: number } & (
  | { sta: 'd' | 's' | 'p' | 'r' | 'a' | 'k' | 'e' | 'f' | 'q'; br?: number }
  | { br: number }
  | { tick: true }
  | { error: string }
  | { msd: number }
);

interface Sent {
  body: string;
  status: number;
}

/** Play one scripted session through a real CmcdReporter whose requester is fetch to the endpoint. */
async function play(
  sid: string,
  cid: string,
  targetQuery: string,
  steps: Step[],
  extra: Partial<Cmcd> = {},
): Promise<Sent[]> {
  const sent: Sent[] = [];
  const inflight: Promise<unknown>[] = [];
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0 + steps[0]!.at);
  const reporter = new CmcdReporter(
    {
      sid,
      cid,
      eventTargets: [
        {
          url: `${base}/api/v1/cmcd?${targetQuery}`,
          events: [
            CmcdEventType.PLAY_STATE,
            CmcdEventType.ERROR,
            CmcdEventType.TIME_INTERVAL,
            CmcdEventType.BITRATE_CHANGE,
          ],
          interval: 0,
          batchSize: 2,
          enabledKeys: [
            'sid',
            'cid',
            'sn',
            'ts',
            'e',
            'sta',
            'br',
            'msd',
            'ec',
            'v',
            'mtp',
            'com.swarmdeck-did',
            'com.swarmdeck-cv',
            'com.swarmdeck-cohort',
          ] as never,
        },
      ],
    },
    (req) => {
      const p = fetch(req.url, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: req.body as string,
      }).then(async (res) => {
        sent.push({ body: req.body as string, status: res.status });
        await res.text();
        return { status: res.status };
      });
      inflight.push(p);
      return p;
    },
  );
  if (Object.keys(extra).length) reporter.update(extra);
  reporter.start();
  for (const s of steps) {
    vi.setSystemTime(T0 + s.at);
    if ('tick' in s) reporter.recordEvent(CmcdEventType.TIME_INTERVAL);
    else if ('error' in s) reporter.recordEvent(CmcdEventType.ERROR, { ec: [s.error] });
    else if ('msd' in s) reporter.update({ msd: s.msd });
    else if ('sta' in s) reporter.update({ sta: s.sta, ...(s.br ? { br: [s.br] } : {}) });
    else reporter.update({ br: [s.br] });
  }
  reporter.stop(true);
  vi.useRealTimers();
  while (inflight.length) await Promise.all(inflight.splice(0));
  return sent;
}

/** What a viewer of this script saw: time in each state and bitrate × playing time, from the script alone. */
function expected(steps: Step[]) {
  let state = '';
  let br = 0;
  let last = steps[0]!.at;
  let playMs = 0;
  let rebufferMs = 0;
  let bitratePlay = 0;
  let firstS: number | null = null;
  let firstP: number | null = null;
  let msd: number | null = null;
  let fatal = false;
  for (const s of steps) {
    const d = Math.min(s.at - last, 300_000);
    if (state === 'p') {
      playMs += d;
      bitratePlay += br * d;
    }
    if (state === 'r') rebufferMs += d;
    last = s.at;
    if ('sta' in s) {
      state = s.sta;
      if (s.sta === 's' && firstS === null) firstS = s.at;
      if (s.sta === 'p' && firstP === null) firstP = s.at;
      if (s.sta === 'f') fatal = true;
    }
    if ('br' in s && s.br) br = s.br;
    if ('msd' in s) msd = s.msd;
  }
  const startup = msd ?? (firstS !== null && firstP !== null ? firstP - firstS : null);
  return { playMs, rebufferMs, bitratePlay, startup, fatal };
}

// A: a viewer on the CDN-only control cohort (cohort from the target URL), one stall, a bitrate switch.
const A: Step[] = [
  { at: 0, sta: 's' },
  { at: 800, sta: 'p', br: 3000 },
  { at: 30_800, tick: true },
  { at: 40_800, sta: 'r' },
  { at: 42_300, sta: 'p' },
  { at: 50_000, br: 1500 },
  { at: 60_000, sta: 'a' },
  { at: 70_000, tick: true },
  { at: 71_000, sta: 'q' },
];
// B: a fatal error after a stall; start-up from `msd` (wins over the state difference); cohort and
// device id / config version as Swarmdeck custom keys.
const B: Step[] = [
  { at: 1_000, sta: 's' },
  { at: 2_000, msd: 1_234 },
  { at: 3_500, sta: 'p', br: 6000 },
  { at: 400_000, tick: true }, // a 396.5 s gap: capped at 5 min
  { at: 420_000, sta: 'r' },
  { at: 425_000, error: 'NETWORK_ERROR' },
  { at: 426_000, sta: 'f' },
];
// C: reported through the SDK too — counted once, with the SDK's figures.
const C: Step[] = [
  { at: 5_000, sta: 's' },
  { at: 5_500, sta: 'p', br: 2000 },
  { at: 65_500, sta: 'q' },
];

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const N = z.object({ n: z.coerce.number() });

describe('CMCD event mode → QoE', () => {
  const sent: Record<string, Sent[]> = {};
  const sdkReport = exampleReport({
    reportId: 'sdk-report-c-0001',
    sessionId: 'sess-c',
    ts: T0 + 65_500,
    cohort: 'control',
    deviceClass: 'desktop',
    qoe: { playMs: 29_000, rebufferMs: 1000, rebufferCount: 1, bitrateKbps: 4500, startupMs: 700 },
  });

  beforeAll(async () => {
    sent.A = await play('sess-a', 'title-a', `key=${KEY}&cohort=control&dc=desktop`, A);
    sent.B = await play('sess-b', 'title-b', `key=${KEY}&dc=smart_tv`, B, {
      'com.swarmdeck-did': 'device-b',
      'com.swarmdeck-cv': 7,
      'com.swarmdeck-cohort': 'control',
    } as Partial<Cmcd>);
    sent.C = await play('sess-c', 'title-c', `key=${KEY}&cohort=control&dc=desktop`, C);
    const r = await fetch(`${base}/api/v1/telemetry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reports: [sdkReport] }),
    });
    expect(r.status, await r.text()).toBe(200);
  }, 60_000);

  it('every event the reporter sent is stored once, with the values it sent', async () => {
    for (const [name, list] of Object.entries(sent)) {
      expect(
        list.every((s) => s.status === 200),
        name,
      ).toBe(true);
    }
    const lines = Object.values(sent).flatMap((l) => l.flatMap((s) => s.body.split('\n')));
    const [stored] = await query('SELECT count() AS n FROM cmcd_events', {}, N);
    expect(stored!.n).toBe(lines.length);
    const rows = await query(
      `SELECT session_id, sn, toUnixTimestamp64Milli(ts) AS ts, event, sta, content_id, cohort, device_class, device_id, config_version, br_kbps, msd_ms, error_codes
       FROM cmcd_events ORDER BY session_id, sn`,
      {},
      z.object({
        session_id: z.string(),
        sn: z.coerce.number(),
        ts: z.coerce.number(),
        event: z.string(),
        sta: z.string(),
        content_id: z.string(),
        cohort: z.string(),
        device_class: z.string(),
        device_id: z.string(),
        config_version: z.coerce.number().nullable(),
        br_kbps: z.coerce.number().nullable(),
        msd_ms: z.coerce.number().nullable(),
        error_codes: z.array(z.string()),
      }),
    );
    // Each line as the reporter encoded it, read back field by field.
    const parsed = lines.map((l) =>
      Object.fromEntries(
        l.split(',').map((kv) => {
          const i = kv.indexOf('=');
          return i < 0 ? [kv, true] : [kv.slice(0, i), kv.slice(i + 1)];
        }),
      ),
    );
    for (const p of parsed) {
      const sid = JSON.parse(p.sid as string) as string;
      const r = rows.find((x) => x.session_id === sid && x.sn === Number(p.sn));
      expect(r, `${sid}#${p.sn}`).toBeDefined();
      expect(r!.ts).toBe(Number(p.ts));
      expect(r!.event).toBe(p.e);
      expect(r!.sta).toBe(p.sta ?? '');
      expect(r!.content_id).toBe(JSON.parse(p.cid as string));
      expect(r!.br_kbps).toBe(p.br ? Number(String(p.br).slice(1, -1)) : null);
      expect(r!.msd_ms).toBe(p.msd ? Number(p.msd) : null);
      expect(r!.error_codes).toEqual(p.ec ? [JSON.parse(String(p.ec).slice(1, -1))] : []);
    }
    const b = rows.filter((r) => r.session_id === 'sess-b');
    expect(new Set(b.map((r) => r.cohort))).toEqual(new Set(['control']));
    expect(new Set(b.map((r) => `${r.device_id}/${r.config_version}/${r.device_class}`))).toEqual(
      new Set(['device-b/7/smart_tv']),
    );
    const a = rows.filter((r) => r.session_id === 'sess-a');
    expect(new Set(a.map((r) => `${r.cohort}/${r.device_class}/${r.device_id}/${r.config_version}`))).toEqual(
      new Set(['control/desktop//null']),
    );
  });

  it('source=cmcd: rebuffer ratio, start-up, failure rate and bitrate are the scripted playback', async () => {
    const got = await qoe({ range: RANGE, source: 'cmcd' });
    const ea = expected(A);
    const eb = expected(B);
    const ec = expected(C);
    expect(ea).toMatchObject({ playMs: 57_700, rebufferMs: 1_500, startup: 800, fatal: false });
    const rows = got.byCohortDevice;
    expect(rows.map((r) => `${r.cohort}/${r.deviceClass}`).sort()).toEqual(['control/desktop', 'control/smart_tv']);
    const desk = rows.find((r) => r.deviceClass === 'desktop')!;
    expect(desk.sessions).toBe(2);
    expect(desk.playMs).toBe(ea.playMs + ec.playMs);
    expect(desk.rebufferMs).toBe(ea.rebufferMs + ec.rebufferMs);
    expect(desk.rebufferRatio).toBeCloseTo(
      (ea.rebufferMs + ec.rebufferMs) / (ea.playMs + ec.playMs + ea.rebufferMs + ec.rebufferMs),
      9,
    );
    expect(desk.avgBitrateKbps).toBeCloseTo((ea.bitratePlay + ec.bitratePlay) / (ea.playMs + ec.playMs), 6);
    expect(desk.failureRate).toBe(0);
    // Two start-ups (800, 500): linear interpolation as quantilesExactInclusive does.
    const sorted = [ea.startup!, ec.startup!].sort((x, y) => x - y);
    expect(desk.startupP50).toBeCloseTo(sorted[0]! + 0.5 * (sorted[1]! - sorted[0]!), 6);
    const tv = rows.find((r) => r.deviceClass === 'smart_tv')!;
    expect(eb).toMatchObject({ playMs: 300_000 + 20_000, rebufferMs: 6_000, startup: 1_234, fatal: true });
    expect(tv).toMatchObject({
      sessions: 1,
      failedSessions: 1,
      failureRate: 1,
      playMs: eb.playMs,
      rebufferMs: eb.rebufferMs,
      startupP50: eb.startup,
    });
    expect(tv.avgBitrateKbps).toBeCloseTo(eb.bitratePlay / eb.playMs, 6);
  });

  it('source=all: a session reported through the SDK and CMCD counts once, with the SDK figures', async () => {
    const all = await qoe({ range: RANGE, source: 'all' });
    const sdk = await qoe({ range: RANGE, source: 'sdk' });
    const ea = expected(A);
    const desk = all.byCohortDevice.find((r) => r.cohort === 'control' && r.deviceClass === 'desktop')!;
    const q = sdkReport.qoe as { playMs: number; rebufferMs: number; bitrateKbps: number; startupMs: number };
    expect(desk.sessions).toBe(2); // sess-a (CMCD) + sess-c (SDK wins)
    expect(desk.playMs).toBe(ea.playMs + q.playMs);
    expect(desk.rebufferMs).toBe(ea.rebufferMs + q.rebufferMs);
    expect(desk.avgBitrateKbps).toBeCloseTo((ea.bitratePlay + q.bitrateKbps * q.playMs) / (ea.playMs + q.playMs), 6);
    expect(desk.startupP50).toBeCloseTo((ea.startup! + q.startupMs) / 2, 6);
    const sdkDesk = sdk.byCohortDevice.find((r) => r.cohort === 'control' && r.deviceClass === 'desktop')!;
    expect(sdkDesk).toMatchObject({ sessions: 1, playMs: q.playMs, rebufferMs: q.rebufferMs, startupP50: q.startupMs });
    expect(sdk.byCohortDevice.some((r) => r.deviceClass === 'smart_tv')).toBe(false);
    // The per-step series adds up to the same totals.
    const stepPlay = sum(all.series.map((s) => s.byCohort.control?.playMs ?? 0));
    expect(stepPlay).toBe(sum(all.byCohortDevice.map((r) => r.playMs)));
  });

  it('the raw twin computes the same figures (rollup + CMCD vs telemetry_raw + CMCD)', async () => {
    for (const source of ['all', 'cmcd'] as const) {
      const a = await qoe({ range: RANGE, source });
      const b = await qoe({ range: RANGE, source }, { raw: true });
      expect({ ...b, source: a.source }).toEqual(a);
    }
  });

  it('a replayed batch changes no figure', async () => {
    const before = await qoe({ range: RANGE, source: 'all' });
    for (const s of sent.A!) {
      const r = await fetch(`${base}/api/v1/cmcd?key=${KEY}&cohort=control&dc=desktop`, {
        method: 'POST',
        headers: { 'content-type': 'application/cmcd' },
        body: s.body,
      });
      const lines = s.body.split('\n').length;
      expect(await r.json()).toEqual({ accepted: 0, duplicates: lines, rejected: 0, errors: [], ignoredKeys: [] });
    }
    expect(await qoe({ range: RANGE, source: 'all' })).toEqual(before);
  });

  it('the guardrail input holds only sessions with a device id and a configVersion', async () => {
    const eb = expected(B);
    expect(await cmcdGuardrailRows(RANGE.from.getTime(), RANGE.to.getTime())).toEqual([
      {
        device_id: 'device-b',
        device_class: 'smart_tv',
        config_version: 7,
        claimed_cohort: 'control',
        play_ms: eb.playMs,
        rebuffer_ms: eb.rebufferMs,
      },
    ]);
  });

  it('CMCD rows never reach a byte figure', async () => {
    const [r] = await query("SELECT count() AS n FROM telemetry_raw WHERE session_id IN ('sess-a', 'sess-b')", {}, N);
    expect(r!.n).toBe(0);
  });
});
