import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { normalizeIp, parseIPv4, parseIPv6 } from '../core/ip';
import { processSingleton } from '../core/rate-limit';

/**
 * IP → ASN, ISP name and country from the npm packages `@ip-location-db/asn` (RouteViews/DB-IP) and
 * `@ip-location-db/geo-whois-asn-country`. Loaded once per process into sorted typed arrays (IPv6 as
 * hi/lo 64-bit halves) and searched in O(log n). Addresses are looked up, never kept or logged.
 */

export interface GeoInfo {
  asn: number;
  isp: string;
  country: string;
}

export const UNKNOWN_GEO: Readonly<GeoInfo> = Object.freeze({ asn: 0, isp: 'unknown', country: '' });

interface V4Table {
  start: Uint32Array;
  end: Uint32Array;
  value: Uint32Array;
}
interface V6Table {
  startHi: BigUint64Array;
  startLo: BigUint64Array;
  endHi: BigUint64Array;
  endLo: BigUint64Array;
  value: Uint32Array;
}
interface GeoDb {
  asn4: V4Table;
  asn6: V6Table;
  /** per ASN-range row: index into `names` */
  asnName4: Uint32Array;
  asnName6: Uint32Array;
  names: string[];
  byAsn: Map<number, string>;
  cc4: V4Table;
  cc6: V6Table;
  countries: string[];
}

function packageDir(pkg: string): string {
  const base = process.env.SWARMDECK_GEO_DIR ?? path.join(process.cwd(), 'node_modules');
  return path.join(/*turbopackIgnore: true*/ base, pkg);
}

/** Split one CSV line into at most `n` fields; the last may be quoted with "" escapes. */
function splitLine(line: string, n: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (out.length < n - 1) {
    const c = line.indexOf(',', i);
    if (c < 0) break;
    out.push(line.slice(i, c));
    i = c + 1;
  }
  let last = line.slice(i);
  if (last.startsWith('"') && last.endsWith('"')) last = last.slice(1, -1).replace(/""/g, '"');
  out.push(last);
  return out;
}

function readLines(file: string, onLine: (line: string) => void): void {
  const text = fs.readFileSync(/*turbopackIgnore: true*/ file, 'utf8');
  let i = 0;
  while (i < text.length) {
    let j = text.indexOf('\n', i);
    if (j < 0) j = text.length;
    let line = text.slice(i, j);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line) onLine(line);
    i = j + 1;
  }
}

const MASK64 = (1n << 64n) - 1n;

function loadV4(file: string, fields: number, value: (f: string[]) => number): V4Table & { rows: string[][] } {
  const s: number[] = [];
  const e: number[] = [];
  const v: number[] = [];
  const rows: string[][] = [];
  readLines(file, (line) => {
    const f = splitLine(line, fields);
    s.push(Number(f[0]));
    e.push(Number(f[1]));
    v.push(value(f));
    rows.push(f);
  });
  const t = { start: Uint32Array.from(s), end: Uint32Array.from(e), value: Uint32Array.from(v), rows };
  return sortV4(t);
}

function sortV4<T extends V4Table & { rows: string[][] }>(t: T): T {
  for (let i = 1; i < t.start.length; i++) {
    if (t.start[i]! < t.start[i - 1]!) {
      const order = Array.from(t.start.keys()).sort((a, b) => t.start[a]! - t.start[b]!);
      return {
        ...t,
        start: Uint32Array.from(order, (k) => t.start[k]!),
        end: Uint32Array.from(order, (k) => t.end[k]!),
        value: Uint32Array.from(order, (k) => t.value[k]!),
        rows: order.map((k) => t.rows[k]!),
      };
    }
  }
  return t;
}

function loadV6(file: string, fields: number, value: (f: string[]) => number): V6Table & { rows: string[][] } {
  const recs: { s: bigint; e: bigint; v: number; f: string[] }[] = [];
  readLines(file, (line) => {
    const f = splitLine(line, fields);
    recs.push({ s: BigInt(f[0]!), e: BigInt(f[1]!), v: value(f), f });
  });
  let sorted = true;
  for (let i = 1; i < recs.length; i++) if (recs[i]!.s < recs[i - 1]!.s) sorted = false;
  if (!sorted) recs.sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : 0));
  const n = recs.length;
  const t = {
    startHi: new BigUint64Array(n),
    startLo: new BigUint64Array(n),
    endHi: new BigUint64Array(n),
    endLo: new BigUint64Array(n),
    value: new Uint32Array(n),
    rows: recs.map((r) => r.f),
  };
  recs.forEach((r, i) => {
    t.startHi[i] = r.s >> 64n;
    t.startLo[i] = r.s & MASK64;
    t.endHi[i] = r.e >> 64n;
    t.endLo[i] = r.e & MASK64;
    t.value[i] = r.v;
  });
  return t;
}

function load(): GeoDb {
  const names: string[] = [];
  const nameIdx = new Map<string, number>();
  const byAsn = new Map<number, string>();
  const nameOf = (f: string[]) => {
    const name = f[3] ?? '';
    let k = nameIdx.get(name);
    if (k === undefined) {
      k = names.length;
      names.push(name);
      nameIdx.set(name, k);
    }
    const asn = Number(f[2]);
    if (!byAsn.has(asn)) byAsn.set(asn, name);
    return k;
  };
  const countries: string[] = [''];
  const ccIdx = new Map<string, number>([['', 0]]);
  const ccOf = (f: string[]) => {
    const cc = f[2] ?? '';
    let k = ccIdx.get(cc);
    if (k === undefined) {
      k = countries.length;
      countries.push(cc);
      ccIdx.set(cc, k);
    }
    return k;
  };
  const asnDir = packageDir('@ip-location-db/asn');
  const ccDir = packageDir('@ip-location-db/geo-whois-asn-country');
  const a4 = loadV4(path.join(asnDir, 'asn-ipv4-num.csv'), 4, (f) => Number(f[2]));
  const a6 = loadV6(path.join(asnDir, 'asn-ipv6-num.csv'), 4, (f) => Number(f[2]));
  const asnName4 = Uint32Array.from(a4.rows, nameOf);
  const asnName6 = Uint32Array.from(a6.rows, nameOf);
  const c4 = loadV4(path.join(ccDir, 'geo-whois-asn-country-ipv4-num.csv'), 3, ccOf);
  const c6 = loadV6(path.join(ccDir, 'geo-whois-asn-country-ipv6-num.csv'), 3, ccOf);
  const strip = <T extends { rows: string[][] }>({ rows: _rows, ...rest }: T) => rest;
  return {
    asn4: strip(a4),
    asn6: strip(a6),
    asnName4,
    asnName6,
    names,
    byAsn,
    cc4: strip(c4),
    cc6: strip(c6),
    countries,
  };
}

/** Load the databases now (about a second); otherwise the first lookup does. */
export function geoDb(): GeoDb {
  return processSingleton('ingest.geo', load);
}

/** Index of the range containing ip, or -1. */
function find4(t: V4Table, ip: number): number {
  let lo = 0;
  let hi = t.start.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (t.start[mid]! <= ip) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found >= 0 && ip <= t.end[found]! ? found : -1;
}

function find6(t: V6Table, ipHi: bigint, ipLo: bigint): number {
  let lo = 0;
  let hi = t.startHi.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const sh = t.startHi[mid]!;
    if (sh < ipHi || (sh === ipHi && t.startLo[mid]! <= ipLo)) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return -1;
  const eh = t.endHi[found]!;
  return ipHi < eh || (ipHi === eh && ipLo <= t.endLo[found]!) ? found : -1;
}

export { normalizeIp, parseIPv4, parseIPv6 };

let special: net.BlockList | undefined;

/** Private, loopback, link-local, documentation, multicast and other special-purpose ranges (RFC 6890). */
export function isSpecialPurpose(ip: string): boolean {
  if (!special) {
    special = new net.BlockList();
    for (const [a, p] of [
      ['0.0.0.0', 8],
      ['10.0.0.0', 8],
      ['100.64.0.0', 10],
      ['127.0.0.0', 8],
      ['169.254.0.0', 16],
      ['172.16.0.0', 12],
      ['192.0.0.0', 24],
      ['192.0.2.0', 24],
      ['192.168.0.0', 16],
      ['198.18.0.0', 15],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
      ['224.0.0.0', 4],
      ['240.0.0.0', 4],
    ] as const)
      special.addSubnet(a, p, 'ipv4');
    for (const [a, p] of [
      ['::', 127],
      ['fc00::', 7],
      ['fe80::', 10],
      ['ff00::', 8],
      ['2001:db8::', 32],
      ['100::', 64],
    ] as const)
      special.addSubnet(a, p, 'ipv6');
  }
  if (net.isIPv4(ip)) return special.check(ip, 'ipv4');
  if (net.isIPv6(ip)) return special.check(ip, 'ipv6');
  return false;
}

/** ASN, ISP name and country of an address; private, reserved and unknown addresses → ASN 0, "unknown". */
export function lookupIp(raw: string): GeoInfo {
  const ip = normalizeIp(raw);
  if (isSpecialPurpose(ip)) return { ...UNKNOWN_GEO };
  const db = geoDb();
  if (net.isIPv4(ip)) {
    const n = parseIPv4(ip)!;
    const i = find4(db.asn4, n);
    const c = find4(db.cc4, n);
    const country = c >= 0 ? db.countries[db.cc4.value[c]!]! : '';
    if (i < 0 || db.asn4.value[i] === 0) return { ...UNKNOWN_GEO, country };
    return { asn: db.asn4.value[i]!, isp: db.names[db.asnName4[i]!] || `AS${db.asn4.value[i]}`, country };
  }
  if (net.isIPv6(ip)) {
    const v = parseIPv6(ip);
    if (v === null) return { ...UNKNOWN_GEO };
    const hi = v >> 64n;
    const lo = v & MASK64;
    const i = find6(db.asn6, hi, lo);
    const c = find6(db.cc6, hi, lo);
    const country = c >= 0 ? db.countries[db.cc6.value[c]!]! : '';
    if (i < 0 || db.asn6.value[i] === 0) return { ...UNKNOWN_GEO, country };
    return { asn: db.asn6.value[i]!, isp: db.names[db.asnName6[i]!] || `AS${db.asn6.value[i]}`, country };
  }
  return { ...UNKNOWN_GEO };
}

/** The ISP name the database gives an ASN ("unknown" for 0, `AS<n>` when it has none). */
export function asnName(asn: number): string {
  if (asn === 0) return 'unknown';
  return geoDb().byAsn.get(asn) || `AS${asn}`;
}

/** Alias used by other areas (OFREP, the simulator). */
export const enrich = lookupIp;
