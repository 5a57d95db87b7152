/**
 * A hand-built telemetry dataset for the report tests and the independent computation of every
 * report figure straight from the reports contract's definitions (never through the code under test).
 */

export interface Flow {
  peerAsn: number;
  down: number;
  up: number;
}

export interface Sent {
  asn: number;
  report: {
    reportId: string;
    sessionId: string;
    ts: number;
    intervalMs: number;
    bytes: { cdn: number; p2pDown: number; p2pUp: number };
    flows: Flow[];
    qoe: { playMs: number; rebufferMs: number; rebufferCount: number; bitrateKbps: number };
  } & Record<string, unknown>;
}

const DAY = 86_400_000;
const BUCKET = 300_000;

export const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10);
export const dayStart = (t: number) => Math.floor(t / DAY) * DAY;

/** Small deterministic PRNG so the dataset is the same every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const ASN_A = 3320;
export const ASN_B = 3209;
export const ASN_C = 6805;
export const ASN_QUIET = 64500; // requested in the report but never reports

/**
 * Reports over the last days before `now`: ASN A busy on day −2 (60 buckets, so its p95 is not 0), a
 * report across midnight into day −1, flows to A itself, to B, to C and to unknown peers (0); ASN B
 * reports on days −3 and −1 only (day −2 is a day with no traffic); a few reports today; day −4 is
 * empty for everyone.
 */
export function buildDataset(now: number): Sent[] {
  const r = rng(42);
  const today = dayStart(now);
  const out: Sent[] = [];
  let n = 0;
  const add = (
    asn: number,
    ts: number,
    session: string,
    o: {
      cdn: number;
      flows: Flow[];
      extraDown?: number;
      extraUp?: number;
      playMs?: number;
      rebufferMs?: number;
      intervalMs?: number;
    },
  ) => {
    const down = o.flows.reduce((s, f) => s + f.down, 0) + (o.extraDown ?? 0);
    const up = o.flows.reduce((s, f) => s + f.up, 0) + (o.extraUp ?? 0);
    const intervalMs = o.intervalMs ?? 60_000;
    const playMs = Math.min(o.playMs ?? 55_000, intervalMs);
    const rebufferMs = Math.min(o.rebufferMs ?? 0, intervalMs - playMs);
    n++;
    out.push({
      asn,
      report: {
        reportId: `rep-${String(n).padStart(6, '0')}`,
        sessionId: session,
        deviceId: `dev-${session}`,
        peerId: `peer-${session}`,
        ts,
        intervalMs,
        deviceClass: 'smart_tv',
        clientVersion: '7.12.0',
        contentId: 'title-1',
        swarmId: 'title-1/1080p',
        p2pMode: 'full',
        cohort: 'p2p',
        configVersion: 1,
        asn,
        bytes: { cdn: o.cdn, p2pDown: down, p2pUp: up },
        flows: o.flows,
        peers: { connected: 3, swarmSize: 50, attempts: 4, failures: 1 },
        qoe: { playMs, rebufferMs, rebufferCount: rebufferMs > 0 ? 1 : 0, bitrateKbps: 4500 },
      },
    });
  };
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

  // Day −2, ASN A: 60 distinct buckets, 1–3 reports each, 12 sessions.
  const d2 = today - 2 * DAY;
  for (let b = 0; b < 60; b++) {
    const bucketStart = d2 + (b * 4 + 10) * BUCKET;
    for (let k = int(1, 3); k > 0; k--) {
      add(ASN_A, bucketStart + int(0, BUCKET - 1), `a-s${int(1, 12)}`, {
        cdn: int(1_000_000, 90_000_000),
        flows: [
          { peerAsn: ASN_A, down: int(0, 5_000_000), up: int(0, 2_000_000) },
          { peerAsn: ASN_B, down: int(0, 9_000_000), up: int(0, 7_000_000) },
          { peerAsn: 0, down: int(0, 4_000_000), up: int(0, 4_000_000) },
          ...(b % 5 === 0 ? [{ peerAsn: ASN_C, down: int(1, 3_000_000), up: int(0, 3_000_000) }] : []),
        ],
        extraDown: int(0, 1000),
        playMs: int(30_000, 60_000),
        rebufferMs: int(0, 3_000),
      });
    }
  }
  // Across midnight into day −1: the interval starts on day −2, ts is 10 s after midnight: day −1.
  add(ASN_A, today - DAY + 10_000, 'a-midnight', {
    cdn: 123_456_789,
    flows: [
      { peerAsn: ASN_C, down: 7_777_777, up: 1_111_111 },
      { peerAsn: 0, down: 999, up: 888 },
    ],
    intervalMs: 60_000,
    playMs: 59_000,
    rebufferMs: 1_000,
  });
  // Day −1, ASN A: cross-ISP out only (p2p_in = 0 apart from the midnight report), plus unknown peers.
  for (let i = 0; i < 20; i++) {
    add(ASN_A, today - DAY + 3_600_000 + i * 997_003, `a-d1-${i % 7}`, {
      cdn: int(5_000_000, 50_000_000),
      flows: [
        { peerAsn: ASN_B, down: 0, up: int(100, 900_000) },
        { peerAsn: 0, down: int(0, 500_000), up: int(0, 500_000) },
      ],
    });
  }
  // ASN B: day −3 and day −1, nothing on day −2. Unknown-peer flows only on day −3 (balance empty).
  for (let i = 0; i < 25; i++) {
    add(ASN_B, today - 3 * DAY + 7_200_000 + i * 1_234_567, `b-s${i % 5}`, {
      cdn: int(1_000, 10_000_000),
      flows: [{ peerAsn: 0, down: int(0, 1_000_000), up: int(0, 1_000_000) }],
    });
    add(ASN_B, today - DAY + 7_200_000 + i * 1_234_567, `b-s${i % 9}`, {
      cdn: int(1_000, 10_000_000),
      flows: [
        { peerAsn: ASN_A, down: int(1, 2_000_000), up: int(0, 2_000_000) },
        { peerAsn: ASN_B, down: int(0, 300_000), up: 0 },
      ],
      playMs: 0,
      rebufferMs: 0,
    });
  }
  // Today: a few reports in the buckets that have started (the latest at least a minute ago).
  const todayReports = Math.min(8, Math.floor((now - today) / 120_000));
  for (let i = 0; i < todayReports; i++) {
    const ts = today + Math.floor(((now - 60_000 - today) * (i + 1)) / (todayReports + 1));
    add(ASN_A, ts, `a-s${i % 3}`, {
      cdn: int(1_000_000, 20_000_000),
      flows: [{ peerAsn: ASN_B, down: int(0, 3_000_000), up: int(0, 3_000_000) }],
    });
  }
  // A client clock 3 minutes ahead (the contract allows 5): its bucket has not started yet, so it is
  // left out of the p95 but its bytes count (on whichever day its ts falls).
  add(ASN_A, now + 180_000, 'a-ahead', { cdn: 987_654_321, flows: [{ peerAsn: ASN_B, down: 12_345, up: 6_789 }] });
  return out;
}

// ---------- the independent computation ----------

/** Rounds a non-negative decimal number given as numerator/denominator (Numbers, exact below 2^53). */
function fixed(num: number, den: number, places: number): string {
  if (den === 0) return '';
  // Long division on BigInt, then half-up, written independently of the code under test.
  const s = 10n ** BigInt(places + 1);
  const q = (BigInt(num) * s) / BigInt(den); // one extra digit, truncated
  const rounded = (q + 5n) / 10n;
  const str = rounded.toString().padStart(places + 1, '0');
  return `${str.slice(0, str.length - places)}.${str.slice(str.length - places)}`;
}

export const EXPECTED_HEADER =
  'date,asn,isp,delivered_cdn_bytes,p2p_intra_bytes,p2p_in_bytes,p2p_out_bytes,balance,offload_ratio,peak_mbps_p95,sessions,play_hours,rebuffer_ratio';

export type Expected = Record<string, string>;

function figures(
  asn: number,
  reports: Sent['report'][],
  startedBuckets: number[],
): Omit<Expected, 'date' | 'asn' | 'isp'> {
  let cdn = 0,
    p2pDown = 0,
    intra = 0,
    inn = 0,
    out = 0,
    play = 0,
    reb = 0;
  const sessions = new Set<string>();
  const perBucket = new Map<number, number>();
  for (const r of reports) {
    cdn += r.bytes.cdn;
    p2pDown += r.bytes.p2pDown;
    play += r.qoe.playMs;
    reb += r.qoe.rebufferMs;
    sessions.add(r.sessionId);
    let bin = 0;
    for (const f of r.flows) {
      if (f.peerAsn === asn) intra += f.down;
      else if (f.peerAsn !== 0) {
        inn += f.down;
        out += f.up;
        bin += f.down;
      }
    }
    const b = Math.floor(r.ts / BUCKET);
    perBucket.set(b, (perBucket.get(b) ?? 0) + r.bytes.cdn + bin);
  }
  const rates = startedBuckets.map((b) => perBucket.get(b) ?? 0).sort((x, y) => x - y);
  const k = Math.ceil((95 * rates.length) / 100);
  const peakBytes = rates.length === 0 ? 0 : rates[k - 1]!;
  return {
    delivered_cdn_bytes: String(cdn),
    p2p_intra_bytes: String(intra),
    p2p_in_bytes: String(inn),
    p2p_out_bytes: String(out),
    balance: fixed(out, inn, 6),
    offload_ratio: fixed(p2pDown, p2pDown + cdn, 6),
    // bytes × 8 / 300 / 1e6
    peak_mbps_p95: fixed(peakBytes * 8, 300_000_000, 3),
    sessions: String(sessions.size),
    play_hours: fixed(play, 3_600_000, 3),
    rebuffer_ratio: fixed(reb, play + reb, 6),
  };
}

/** Buckets (index = ms / 300000) of a UTC day that have started by `now`. */
function started(day: string, now: number): number[] {
  const start = Date.parse(`${day}T00:00:00Z`);
  const out: number[] = [];
  for (let t = start; t < start + DAY && t <= now; t += BUCKET) out.push(t / BUCKET);
  return out;
}

export function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY) out.push(utcDay(t));
  return out;
}

export function expectedReport(
  data: Sent[],
  asns: number[],
  from: string,
  to: string,
  now: number,
  names: Map<number, string>,
) {
  const rows: Expected[] = [];
  const totals: Expected[] = [];
  for (const asn of [...asns].sort((a, b) => a - b)) {
    const mine = data.filter((s) => s.asn === asn).map((s) => s.report);
    const ds = days(from, to);
    for (const d of ds) {
      rows.push({
        date: d,
        asn: String(asn),
        isp: names.get(asn) ?? '',
        ...figures(
          asn,
          mine.filter((r) => utcDay(r.ts) === d),
          started(d, now),
        ),
      });
    }
    totals.push({
      asn: String(asn),
      isp: names.get(asn) ?? '',
      ...figures(
        asn,
        mine.filter((r) => utcDay(r.ts) >= from && utcDay(r.ts) <= to),
        ds.flatMap((d) => started(d, now)),
      ),
    });
  }
  return { rows, totals };
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
