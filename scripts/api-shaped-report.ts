/**
 * The report the ingestion benchmarks send (bench:ingest, bench:insert-cost, soak): a valid TelemetryReport
 * shaped like a P2P viewer's, `n`-th of a run — two flows, a mid-range QoE, one of 7 device classes, 200
 * titles, half the sessions in the control cohort. `reportId` is the caller's (random-looking ids, so they
 * interleave with stored ones in the dedup index as real SDK ids do); `spread` sets how many sessions and
 * devices the reports cycle through and how far back their `ts` reaches.
 */
import { DEVICE_CLASSES } from '../lib/telemetry/enums';

export interface Spread {
  sessions: number;
  devices: number;
  tsMs: number;
}

export function apiShapedReport(n: number, now: number, reportId: string, spread: Spread) {
  return {
    reportId,
    sessionId: `s-${n % spread.sessions}`,
    deviceId: `d-${n % spread.devices}`,
    peerId: `p-${n % spread.sessions}`,
    ts: now - (n % spread.tsMs),
    intervalMs: 30_000,
    deviceClass: DEVICE_CLASSES[n % DEVICE_CLASSES.length],
    clientVersion: `7.${n % 13}.0`,
    contentId: `title-${n % 200}`,
    swarmId: `title-${n % 200}/1080p`,
    p2pMode: 'full',
    cohort: n % 2 ? 'p2p' : 'control',
    configVersion: 3,
    bytes: { cdn: 1_000_000 + (n % 1000), p2pDown: 800_000, p2pUp: 300_000 },
    flows: [
      { peerAsn: 3320, down: 500_000, up: 200_000 },
      { peerAsn: 0, down: 300_000, up: 100_000 },
    ],
    peers: { connected: 5, swarmSize: 120, attempts: 10, failures: 1 },
    qoe: { playMs: 29_000, rebufferMs: 200, rebufferCount: 1, bitrateKbps: 4500 },
  };
}
