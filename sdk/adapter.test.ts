import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReport } from '../lib/telemetry/schema';
import { PlayerAdapter } from './adapter';
import { createReporter } from './reporter';
import type { TelemetryReport } from './report';

type Ev = [number, 'media' | 'hls' | 'engine', string, ...unknown[]];
interface Recording {
  levels: { bitrate: number }[];
  collectAt: number[];
  events: Ev[];
}

/** Tiny emitters with the shapes of hls.js, p2p-media-loader's engine and the media element. */
class Emitter {
  private ls = new Map<string, ((...a: unknown[]) => void)[]>();
  on(n: string, f: (...a: never[]) => void) {
    this.ls.set(n, [...(this.ls.get(n) ?? []), f as (...a: unknown[]) => void]);
  }
  off(n: string, f: (...a: never[]) => void) {
    this.ls.set(
      n,
      (this.ls.get(n) ?? []).filter((x) => x !== (f as unknown)),
    );
  }
  addEventListener(n: string, f: (...a: never[]) => void) {
    this.on(n, f);
  }
  removeEventListener(n: string, f: (...a: never[]) => void) {
    this.off(n, f);
  }
  emit(n: string, ...a: unknown[]) {
    for (const f of this.ls.get(n) ?? []) f(...a);
  }
}

function replay(file: string, mode: 'full' | 'off') {
  const rec = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures', file), 'utf8')) as Recording;
  let t = Date.now() - 120_000;
  const t0 = t;
  const reporter = createReporter({
    endpoint: 'http://127.0.0.1:9/unused',
    ingestKey: 'unused-key',
    autoStart: false,
    now: () => t,
    session: {
      deviceId: 'dev-1',
      deviceClass: 'desktop',
      clientVersion: '1.0.0',
      contentId: 'title-1',
      swarmId: 'title-1:hd',
    },
    config: { p2pMode: mode, cohort: mode === 'off' ? 'control' : 'p2p', configVersion: 3 },
  });
  const hls = Object.assign(new Emitter(), { levels: rec.levels });
  const engine = new Emitter();
  const media = new Emitter();
  const asnOf: Record<string, number> = { 'peer-a': 7922, 'peer-b': 3320 };
  const adapter = new PlayerAdapter(reporter.counters, { peerAsn: (id) => asnOf[id] ?? 0 });
  adapter.attachHls(hls).attachEngine(engine).attachMedia(media);
  const reports: TelemetryReport[] = [];
  const collects = [...rec.collectAt];
  for (const [at, src, name, ...args] of rec.events) {
    while (collects.length && collects[0]! <= at) {
      t = t0 + collects.shift()!;
      const r = reporter.collect();
      if (r) reports.push(r);
    }
    t = t0 + at;
    if (src === 'hls') hls.emit(name, name, ...args);
    else if (src === 'engine') engine.emit(name, ...args);
    else media.emit(name);
  }
  for (const c of collects) {
    t = t0 + c;
    const r = reporter.collect();
    if (r) reports.push(r);
  }
  adapter.detach();
  return { rec, reports, t0 };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('PlayerAdapter with a recorded p2p-media-loader + hls.js sequence', () => {
  it('late joiner: HTTP first segments, then peers; CDN counted once from both the engine and the player', () => {
    const { rec, reports } = replay('p2pml-late-joiner.json', 'full');
    expect(reports).toHaveLength(2);
    for (const r of reports) expect(parseReport(r)).toEqual({ ok: true, report: r });

    // Independently from the recording: what came from peers, what the player loaded in total.
    const ev = rec.events;
    const p2p = sum(ev.filter((e) => e[2] === 'onChunkDownloaded' && e[4] === 'p2p').map((e) => e[3] as number));
    const frag = sum(
      ev
        .filter((e) => e[2] === 'hlsFragLoaded')
        .map((e) => (e[3] as { frag: { stats: { loaded: number } } }).frag.stats.loaded),
    );
    const up = sum(ev.filter((e) => e[2] === 'onChunkUploaded').map((e) => e[3] as number));
    expect(sum(reports.map((r) => r.bytes.p2pDown))).toBe(p2p);
    expect(sum(reports.map((r) => r.bytes.cdn))).toBe(frag - p2p);
    expect(sum(reports.map((r) => r.bytes.p2pUp))).toBe(up);
    // The first three segments (before any peer) are all CDN and all in the first interval.
    const firstThree = sum(
      ev
        .filter((e) => e[2] === 'hlsFragLoaded')
        .slice(0, 3)
        .map((e) => (e[3] as { frag: { stats: { loaded: number } } }).frag.stats.loaded),
    );
    expect(reports[0]!.bytes.cdn).toBeGreaterThanOrEqual(firstThree);

    // Flows by the remote peer's ASN.
    const flows = new Map<number, { down: number; up: number }>();
    for (const r of reports)
      for (const f of r.flows ?? []) {
        const x = flows.get(f.peerAsn) ?? { down: 0, up: 0 };
        flows.set(f.peerAsn, { down: x.down + f.down, up: x.up + f.up });
      }
    const downFrom = (peer: string) =>
      sum(ev.filter((e) => e[2] === 'onChunkDownloaded' && e[4] === 'p2p' && e[5] === peer).map((e) => e[3] as number));
    expect(flows.get(7922)).toEqual({ down: downFrom('peer-a'), up: up });
    expect(flows.get(3320)).toEqual({ down: downFrom('peer-b'), up: 0 });

    // Peers: one failed attempt, two connected, one closed later.
    expect(reports[0]!.peers).toMatchObject({ attempts: 3, failures: 1, connected: 2 });
    expect(reports[1]!.peers).toMatchObject({ attempts: 0, failures: 0, connected: 1 });

    // QoE: startup from play request to first frame, one stall of 1.5 s, a 2 s pause.
    const playAt = ev.find((e) => e[2] === 'play')![0];
    const firstFrame = ev.find((e) => e[2] === 'playing')![0];
    expect(reports[0]!.qoe.startupMs).toBe(firstFrame - playAt);
    expect(reports[1]!.qoe.startupMs).toBeUndefined();
    expect(sum(reports.map((r) => r.qoe.rebufferCount))).toBe(1);
    expect(sum(reports.map((r) => r.qoe.rebufferMs))).toBe(42_500 - 41_000);
    expect(sum(reports.map((r) => r.qoe.playMs))).toBe(60_000 - firstFrame - 1_500 - 2_000);
    expect(reports[0]!.qoe.playMs).toBe(30_000 - firstFrame);
    // Bitrate time-weighted: 2000 kbps until the switch at 43 s, 800 after (stall and pause excluded).
    const p2 = reports[1]!.qoe;
    const at2000 = 41_000 - 30_000 + (43_000 - 42_500);
    const at800 = p2.playMs - at2000;
    expect(p2.bitrateKbps).toBe(Math.round((at2000 * 2000 + at800 * 800) / p2.playMs));
    expect(reports.map((r) => r.intervalMs)).toEqual([30_000, 30_000]);
  });

  it("P2P off: no engine byte events, CDN from the player's fragments; a fatal error is reported", () => {
    const { rec, reports } = replay('p2p-off-fatal.json', 'off');
    expect(reports).toHaveLength(1);
    const r = reports[0]!;
    expect(parseReport(r).ok).toBe(true);
    const frag = sum(
      rec.events
        .filter((e) => e[2] === 'hlsFragLoaded')
        .map((e) => (e[3] as { frag: { stats: { loaded: number } } }).frag.stats.loaded),
    );
    expect(r.bytes).toEqual({ cdn: frag, p2pDown: 0, p2pUp: 0 });
    expect(r.flows).toBeUndefined();
    expect(r.p2pMode).toBe('off');
    expect(r.qoe.fatalError).toBe('fragLoadError');
    expect(r.qoe.playMs).toBe(26_000 - 310);
    expect(r.qoe.bitrateKbps).toBe(800);
  });
});
