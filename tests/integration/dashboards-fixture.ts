/**
 * A hand-built telemetry dataset for the dashboard tests, sent through the real ingestion API, and the
 * reference arithmetic (straight from telemetry-v1's definitions) the tests compare every figure with.
 */
import { expect } from 'vitest';

export const KEY = 'dashboards-bootstrap-key-0123456789';
export const ENV = {
  SWARMDECK_INGEST_KEY: KEY,
  SWARMDECK_INGEST_IP_RATE: '0',
  SWARMDECK_INGEST_LINGER_MS: '0',
  TRUSTED_PROXIES: '127.0.0.1',
};

/** Client addresses whose ASN/ISP/country the ingestion's IP database gives (checked after ingest). */
export const ISPS = [
  { ip: '1.1.1.1', asn: 13335, country: 'AU' },
  { ip: '8.8.8.8', asn: 15169, country: 'US' },
  { ip: '9.9.9.9', asn: 19281, country: 'US' },
  { ip: '81.2.69.142', asn: 20712, country: 'GB' },
] as const;
const PEER_ASNS = [13335, 15169, 19281, 20712, 0, 3320];
const DEVICES = ['smart_tv', 'mobile', 'desktop'] as const;
const CONTENTS = ['title-a', 'title-b', 'title-c'] as const;
export const TROUBLED_SWARM = 'title-c/720p';

export interface Rep {
  reportId: string;
  sessionId: string;
  deviceId: string;
  peerId: string;
  ts: number;
  intervalMs: number;
  deviceClass: string;
  clientVersion: string;
  contentId: string;
  swarmId: string;
  p2pMode: 'off' | 'download' | 'full';
  cohort: string;
  configVersion: number;
  bytes: { cdn: number; p2pDown: number; p2pUp: number };
  flows: { peerAsn: number; down: number; up: number }[];
  peers: { connected: number; swarmSize: number; attempts: number; failures: number };
  qoe: {
    playMs: number;
    rebufferMs: number;
    rebufferCount: number;
    bitrateKbps: number;
    startupMs?: number;
    fatalError?: string;
  };
  /** Not sent: what the server derives from the client address. */
  _asn: number;
  _country: string;
  _ip: string;
}

function rng(seed: number) {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

export const HOUR = 3_600_000;

/** Reports spread over [base − 6 h, base), base = the start of the hour before the current one. */
export function buildDataset(now = Date.now()): { reports: Rep[]; base: number } {
  const base = Math.floor(now / HOUR) * HOUR - HOUR;
  const r = rng(42);
  const reports: Rep[] = [];
  for (let s = 0; s < 48; s++) {
    const isp = ISPS[s % 4]!;
    const cohort = (s >> 2) % 3 === 0 ? 'control' : 'p2p';
    const mode: Rep['p2pMode'] = cohort === 'control' ? 'off' : s % 5 === 0 ? 'download' : 'full';
    const content = CONTENTS[(s * 7) % 3]!;
    const swarm = `${content}/${s % 2 ? '1080p' : '720p'}`;
    const n = 6 + r(9);
    const fatal = s % 11 === 3;
    const times = Array.from({ length: n }, () => base - 6 * HOUR + r(6 * HOUR)).sort((a, b) => a - b);
    times.forEach((ts, i) => {
      const intervalMs = 10_000 + r(20_000);
      const cdn = r(5_000_000);
      const p2pDown = mode === 'off' ? 0 : r(4_000_000);
      const p2pUp = mode === 'full' ? r(3_000_000) : 0;
      const flows: Rep['flows'] = [];
      if (mode !== 'off') {
        const picks = [...new Set([PEER_ASNS[r(6)]!, PEER_ASNS[r(6)]!, PEER_ASNS[r(6)]!])];
        let leftDown = p2pDown;
        let leftUp = p2pUp;
        for (const peerAsn of picks) {
          const down = Math.floor(leftDown * (0.3 + r(60) / 100));
          const up = Math.floor(leftUp * (0.3 + r(60) / 100));
          leftDown -= down;
          leftUp -= up;
          flows.push({ peerAsn, down, up });
        }
      }
      const attempts = r(30);
      const failures = swarm === TROUBLED_SWARM ? Math.floor(attempts * 0.8) : Math.min(attempts, r(5));
      const playMs = r(intervalMs + 1);
      const rebufferMs = Math.floor(r(intervalMs - playMs + 1) / 4);
      const qoe: Rep['qoe'] = {
        playMs,
        rebufferMs,
        rebufferCount: rebufferMs > 0 ? 1 : 0,
        bitrateKbps: 1000 + r(5000),
      };
      if (i === 0 && s % 6 !== 5) qoe.startupMs = 200 + r(3000);
      if (fatal && i === n - 1) qoe.fatalError = 'MEDIA_ERR_DECODE';
      reports.push({
        reportId: `dash-${s.toString().padStart(3, '0')}-${i.toString().padStart(3, '0')}`,
        sessionId: `sess-${s}`,
        deviceId: `dev-${s}`,
        peerId: `peer-${s}`,
        ts,
        intervalMs,
        deviceClass: DEVICES[s % 3]!,
        clientVersion: (s >> 1) % 2 ? '7.13.0' : '7.12.0',
        contentId: content,
        swarmId: swarm,
        p2pMode: mode,
        cohort,
        configVersion: 1,
        bytes: { cdn, p2pDown, p2pUp },
        flows,
        peers: { connected: r(20), swarmSize: 100, attempts, failures },
        qoe,
        _asn: isp.asn,
        _country: isp.country,
        _ip: isp.ip,
      });
    });
  }
  return { reports, base };
}

/** Sends the dataset through POST /api/v1/telemetry, one request per client address. */
export async function ingest(url: string, reports: Rep[]): Promise<void> {
  for (const isp of ISPS) {
    const mine = reports.filter((x) => x._ip === isp.ip).map(({ _asn: _a, _country: _c, _ip: _i, ...wire }) => wire);
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'x-forwarded-for': isp.ip },
      body: JSON.stringify({ reports: mine }),
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ accepted: mine.length, rejected: 0 });
  }
}

// ------------------------------------------------------------------------------- reference arithmetic

export const sum = (xs: Rep[], f: (r: Rep) => number) => xs.reduce((s, r) => s + f(r), 0);
export const ratio = (n: number, d: number) => (d > 0 ? n / d : null);
export const offloadOf = (xs: Rep[]) =>
  ratio(
    sum(xs, (r) => r.bytes.p2pDown),
    sum(xs, (r) => r.bytes.p2pDown + r.bytes.cdn),
  );
export const distinct = (xs: Rep[], f: (r: Rep) => string) => new Set(xs.map(f)).size;
export const within = (xs: Rep[], lo: number, hi: number) => xs.filter((r) => r.ts >= lo && r.ts < hi);

export function flowSums(xs: Rep[]) {
  let intra = 0;
  let pin = 0;
  let pout = 0;
  let unknownDown = 0;
  for (const r of xs)
    for (const f of r.flows) {
      if (f.peerAsn === r._asn) intra += f.down;
      else if (f.peerAsn === 0) unknownDown += f.down;
      else {
        pin += f.down;
        pout += f.up;
      }
    }
  return { intra, pin, pout, unknownDown };
}

/** peak_mbps_p95 exactly as the contract words it. */
export function peakMbps(xs: Rep[], lo: number, hi: number, now: number): number {
  const five = 300_000;
  const buckets: number[] = [];
  for (let t = lo; t < hi && t <= now; t += five) {
    const inB = xs.filter((r) => r.ts >= t && r.ts < t + five);
    buckets.push(sum(inB, (r) => r.bytes.cdn) + flowSums(inB).pin);
  }
  if (buckets.length === 0) return 0;
  buckets.sort((a, b) => a - b);
  const k = Math.ceil(0.95 * buckets.length);
  return (buckets[k - 1]! * 8) / 300 / 1e6;
}

/** ClickHouse `quantile` (exact below 8,192 values): linear interpolation at level × (n − 1). */
export function quantile(values: number[], level: number): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const idx = level * (v.length - 1);
  const i = Math.floor(idx);
  const frac = idx - i;
  return i + 1 < v.length ? v[i]! * (1 - frac) + v[i + 1]! * frac : v[i]!;
}

export function qoeOf(xs: Rep[]) {
  const play = sum(xs, (r) => r.qoe.playMs);
  const rebuf = sum(xs, (r) => r.qoe.rebufferMs);
  const startups = xs.filter((r) => r.qoe.startupMs !== undefined).map((r) => r.qoe.startupMs!);
  const sessions = distinct(xs, (r) => r.sessionId);
  const failed = distinct(
    xs.filter((r) => r.qoe.fatalError),
    (r) => r.sessionId,
  );
  return {
    rebufferRatio: ratio(rebuf, play + rebuf),
    startupP50: quantile(startups, 0.5),
    startupP95: quantile(startups, 0.95),
    failureRate: ratio(failed, sessions),
    avgBitrateKbps: ratio(
      sum(xs, (r) => r.qoe.bitrateKbps * r.qoe.playMs),
      play,
    ),
    sessions,
  };
}

/** Ratios to 1e-9, everything else exact; null stays null. */
export function close(actual: number | null | undefined, expected: number | null, what = '') {
  if (expected === null) {
    expect(actual ?? null, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  expect(Math.abs((actual as number) - expected), `${what}: ${actual} vs ${expected}`).toBeLessThan(1e-9);
}
