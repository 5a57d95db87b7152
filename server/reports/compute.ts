import { query } from '../clickhouse/client';
import {
  BytesSql,
  BytesRow,
  DailyQoeSql,
  IspNamesSql,
  TopPartnersSql,
  TotalQoeSql,
} from '../clickhouse/queries/reports';
import { roundRational } from './decimal';

/** The per-ISP report of reports contract v1: one row per ASN per UTC day, and totals per ASN. */

export const CSV_COLUMNS = [
  'date',
  'asn',
  'isp',
  'delivered_cdn_bytes',
  'p2p_intra_bytes',
  'p2p_in_bytes',
  'p2p_out_bytes',
  'balance',
  'offload_ratio',
  'peak_mbps_p95',
  'sessions',
  'play_hours',
  'rebuffer_ratio',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Exact figures of one ASN over one day or the whole range. */
export interface Figures {
  cdn: bigint;
  p2pDown: bigint;
  intra: bigint;
  in: bigint;
  out: bigint;
  /** bytes (cdn + p2p_in) of the 5-minute bucket at the nearest-rank 95th percentile */
  peakBucketBytes: bigint;
  sessions: bigint;
  playMs: bigint;
  rebufferMs: bigint;
}

/** One report line formatted as the CSV shows it ('' for an undefined ratio). */
export type ReportLine = Record<CsvColumn, string>;

export interface IspReport {
  asn: number;
  isp: string;
  days: { date: string; figures: Figures; line: ReportLine }[];
  totals: { figures: Figures; line: ReportLine };
  partners: { asn: number; isp: string; down: bigint; up: bigint }[];
}

export interface Report {
  from: string;
  to: string;
  generatedAt: number;
  isps: IspReport[];
}

const DAY_MS = 86_400_000;
const BUCKET_MS = 300_000;

export function dayList(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Started 5-minute buckets of a UTC day as of `now`: 288 in the past, the begun ones today, 0 ahead. */
export function startedBuckets(day: string, now: number): number {
  const start = Date.parse(`${day}T00:00:00Z`);
  if (now >= start + DAY_MS) return 288;
  if (now < start) return 0;
  return Math.floor((now - start) / BUCKET_MS) + 1;
}

const ZERO: Figures = {
  cdn: 0n,
  p2pDown: 0n,
  intra: 0n,
  in: 0n,
  out: 0n,
  peakBucketBytes: 0n,
  sessions: 0n,
  playMs: 0n,
  rebufferMs: 0n,
};

/** Formats exact figures as the CSV's cells (decimals rounded ties away from zero). */
export function formatLine(date: string, asn: number, isp: string, f: Figures): ReportLine {
  return {
    date,
    asn: String(asn),
    isp,
    delivered_cdn_bytes: f.cdn.toString(),
    p2p_intra_bytes: f.intra.toString(),
    p2p_in_bytes: f.in.toString(),
    p2p_out_bytes: f.out.toString(),
    balance: roundRational(f.out, f.in, 6) ?? '',
    offload_ratio: roundRational(f.p2pDown, f.p2pDown + f.cdn, 6) ?? '',
    // bytes × 8 / 300 s / 10^6 = Mbit/s
    peak_mbps_p95: roundRational(f.peakBucketBytes * 8n, 300_000_000n, 3)!,
    sessions: f.sessions.toString(),
    play_hours: roundRational(f.playMs, 3_600_000n, 3)!,
    rebuffer_ratio: roundRational(f.rebufferMs, f.playMs + f.rebufferMs, 6) ?? '',
  };
}

export interface ReportInput {
  asns: number[];
  from: string;
  to: string;
  now?: number;
  partnerLimit?: number;
}

export async function buildReport(input: ReportInput): Promise<Report> {
  const now = input.now ?? Date.now();
  const asns = [...new Set(input.asns)].sort((a, b) => a - b);
  const days = dayList(input.from, input.to);
  const today = new Date(now).toISOString().slice(0, 10);
  const params = {
    asns,
    from: input.from,
    to: input.to,
    today,
    startedToday: startedBuckets(today, now),
    nextBucket: Math.floor(now / BUCKET_MS) * 300 + 300,
    rangeBuckets: days.reduce((s, d) => s + startedBuckets(d, now), 0),
    limit: input.partnerLimit ?? 10,
  };
  const [bytes, dailyQoe, totalQoe, names, partners] = await Promise.all([
    query(BytesSql, params),
    query(DailyQoeSql, params),
    query(TotalQoeSql, params),
    query(IspNamesSql, params),
    query(TopPartnersSql, params),
  ]);
  const peerAsns = [...new Set(partners.map((p) => p.peer_asn))].filter((a) => !asns.includes(a));
  const peerNames = peerAsns.length ? await query(IspNamesSql, { asns: peerAsns }) : [];
  const nameOf = new Map([...names, ...peerNames].map((r) => [r.asn, r.isp]));

  const key = (asn: number, day: string) => `${asn}|${day}`;
  const bytesByDay = new Map(bytes.filter((r) => !r.is_total).map((r) => [key(r.asn, r.day), r]));
  const qoeByDay = new Map(dailyQoe.map((r) => [key(r.asn, r.day), r]));
  const bytesTotal = new Map(bytes.filter((r) => r.is_total).map((r) => [r.asn, r]));
  const qoeTotal = new Map(totalQoe.map((r) => [r.asn, r]));

  const figures = (
    b: BytesRow | undefined,
    q: { play_ms: bigint; rebuffer_ms: bigint; sessions: bigint } | undefined,
  ): Figures => ({
    ...ZERO,
    ...(b && {
      cdn: b.cdn,
      p2pDown: b.p2p_down,
      intra: b.p2p_intra,
      in: b.p2p_in,
      out: b.p2p_out,
      peakBucketBytes: b.peak_bucket_bytes,
    }),
    ...(q && { sessions: q.sessions, playMs: q.play_ms, rebufferMs: q.rebuffer_ms }),
  });

  return {
    from: input.from,
    to: input.to,
    generatedAt: now,
    isps: asns.map((asn) => {
      const isp = nameOf.get(asn) ?? '';
      const totals = figures(bytesTotal.get(asn), qoeTotal.get(asn));
      return {
        asn,
        isp,
        days: days.map((date) => {
          const f = figures(bytesByDay.get(key(asn, date)), qoeByDay.get(key(asn, date)));
          return { date, figures: f, line: formatLine(date, asn, isp, f) };
        }),
        totals: { figures: totals, line: formatLine('', asn, isp, totals) },
        partners: partners
          .filter((p) => p.asn === asn)
          .map((p) => ({ asn: p.peer_asn, isp: nameOf.get(p.peer_asn) ?? '', down: p.down, up: p.up })),
      };
    }),
  };
}

/** Report lines in CSV order: per ASN (ascending), per day. */
export function reportLines(r: Report): ReportLine[] {
  return r.isps.flatMap((i) => i.days.map((d) => d.line));
}

const BYTE_COLUMNS = new Set<CsvColumn>([
  'delivered_cdn_bytes',
  'p2p_intra_bytes',
  'p2p_in_bytes',
  'p2p_out_bytes',
  'sessions',
]);

/** The JSON form of a line: numbers for numbers, null for an undefined ratio. */
export function jsonLine(line: ReportLine, withDate = true): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const c of CSV_COLUMNS) {
    if (c === 'date' && !withDate) continue;
    const v = line[c];
    if (c === 'date' || c === 'isp') out[c] = v;
    else if (c === 'asn' || BYTE_COLUMNS.has(c)) out[c] = Number(v);
    else out[c] = v === '' ? null : Number(v);
  }
  return out;
}

export function reportJson(r: Report): {
  rows: Record<string, string | number | null>[];
  totals: Record<string, string | number | null>[];
} {
  return {
    rows: reportLines(r).map((l) => jsonLine(l)),
    totals: r.isps.map((i) => jsonLine(i.totals.line, false)),
  };
}
