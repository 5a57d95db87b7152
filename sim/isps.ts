import fs from 'node:fs';
import path from 'node:path';
import type { Rng } from './random';

/**
 * The simulated fleet's ISPs: large eyeball networks of four countries, with their real IPv4 ranges
 * from the same ASN database the console enriches with, so each client's address maps back to its ISP.
 */
export interface Isp {
  asn: number;
  name: string;
  country: 'US' | 'DE' | 'GB' | 'FR';
  /** UTC offset of the evening peak's time zone, hours. */
  tz: number;
  /** Share of the fleet's viewers. */
  share: number;
  /** Fault on purpose: WebRTC blocked, every peer connection fails. */
  blocksP2p?: boolean;
}

export const ISPS: readonly Isp[] = [
  { asn: 7922, name: 'Comcast', country: 'US', tz: -5, share: 0.14 },
  { asn: 7018, name: 'AT&T', country: 'US', tz: -5, share: 0.09 },
  { asn: 701, name: 'Verizon', country: 'US', tz: -5, share: 0.07 },
  { asn: 22773, name: 'Cox', country: 'US', tz: -6, share: 0.04, blocksP2p: true },
  { asn: 3320, name: 'Deutsche Telekom', country: 'DE', tz: 1, share: 0.14 },
  { asn: 3209, name: 'Vodafone', country: 'DE', tz: 1, share: 0.09 },
  { asn: 2856, name: 'BT', country: 'GB', tz: 0, share: 0.1 },
  { asn: 5089, name: 'Virgin Media', country: 'GB', tz: 0, share: 0.08 },
  { asn: 3215, name: 'Orange', country: 'FR', tz: 1, share: 0.13 },
  { asn: 12322, name: 'Free', country: 'FR', tz: 1, share: 0.12 },
];

export interface IspRanges {
  /** [start, end] inclusive IPv4 numbers, with cumulative sizes for a uniform draw. */
  ranges: [number, number][];
  cumulative: number[];
  total: number;
}

let cached: Map<number, IspRanges> | undefined;

const toDotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** The country a client address enriches to: the console's own lookup, handed in by the caller. */
export type CountryOfIp = (ip: string) => string | undefined;

/**
 * Reads the ISPs' ranges from node_modules/@ip-location-db/asn/asn-ipv4-num.csv (once per process).
 * `countryOfIp` is the console's enrichment, so the simulator (a library beside the SDK) does not
 * import the server.
 */
export function ispRanges(countryOfIp: CountryOfIp, root = process.cwd()): Map<number, IspRanges> {
  if (cached) return cached;
  const file = path.join(root, 'node_modules/@ip-location-db/asn/asn-ipv4-num.csv');
  const countryOf = new Map(ISPS.map((i) => [i.asn, i.country as string]));
  const out = new Map<number, IspRanges>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const c1 = line.indexOf(',');
    const c2 = line.indexOf(',', c1 + 1);
    const c3 = line.indexOf(',', c2 + 1);
    if (c3 < 0) continue;
    const asn = Number(line.slice(c2 + 1, c3));
    const country = countryOf.get(asn);
    if (!country) continue;
    const start = Number(line.slice(0, c1));
    const end = Number(line.slice(c1 + 1, c2));
    // Skip tiny ranges (often infrastructure) so clients come from the eyeball blocks.
    if (end - start < 255) continue;
    // Only blocks the country database places in the ISP's own country (a few of these networks'
    // blocks are registered abroad), so every simulated client's enrichment lands in one country.
    if (countryOfIp(toDotted(start)) !== country || countryOfIp(toDotted(end)) !== country) continue;
    let r = out.get(asn);
    if (!r) out.set(asn, (r = { ranges: [], cumulative: [], total: 0 }));
    r.ranges.push([start, end]);
    r.total += end - start + 1;
    r.cumulative.push(r.total);
  }
  for (const isp of ISPS) if (!out.has(isp.asn)) throw new Error(`no IPv4 ranges for AS${isp.asn} in the ASN database`);
  cached = out;
  return out;
}

/** A client address drawn uniformly from the ISP's ranges (never a .0 or .255 host). */
export function randomIp(r: IspRanges, rng: Rng): string {
  const x = Math.floor(rng.next() * r.total);
  let lo = 0;
  let hi = r.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (r.cumulative[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  const [start, end] = r.ranges[lo]!;
  let n = start + Math.floor(rng.next() * (end - start + 1));
  if ((n & 255) === 0) n += 1;
  if ((n & 255) === 255) n -= 1;
  return toDotted(n);
}
