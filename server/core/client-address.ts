import net from 'node:net';
import { env } from '../env';
import { directPeer } from '../net/peer';
import { normalizeIp } from './ip';

/**
 * The one client-address parser (ingest, OFREP, CMCD, sign-in throttling): the socket's peer, or —
 * only when that peer is a trusted proxy (TRUSTED_PROXIES) — the right-most X-Forwarded-For address
 * that is not itself a trusted proxy. Behind two proxies the right-most entry is the first proxy, so
 * taking it would put every user into one bucket. Used for enrichment and rate limiting only; never
 * stored or logged.
 */

let cached: { spec: string; list: net.BlockList } | undefined;

/** The TRUSTED_PROXIES list; a malformed entry throws (env.ts checks it at start). */
export function parseTrustedProxies(spec: string): net.BlockList {
  const list = new net.BlockList();
  for (const raw of spec.split(/[\s,]+/).filter(Boolean)) {
    const [addr, prefix] = raw.split('/');
    const ip = normalizeIp(addr ?? '');
    const type = net.isIPv4(ip) ? 'ipv4' : net.isIPv6(ip) ? 'ipv6' : null;
    const bits = prefix === undefined ? null : Number(prefix);
    if (!type || (bits !== null && !(Number.isInteger(bits) && bits >= 0 && bits <= (type === 'ipv4' ? 32 : 128)))) {
      throw new Error(`TRUSTED_PROXIES: "${raw}" is not an IP address or CIDR`);
    }
    if (bits !== null) list.addSubnet(ip, bits, type);
    else list.addAddress(ip, type);
  }
  return list;
}

function trustedList(): net.BlockList {
  const spec = env().TRUSTED_PROXIES;
  if (cached?.spec !== spec) cached = { spec, list: parseTrustedProxies(spec) };
  return cached.list;
}

export function isTrustedProxy(ip: string): boolean {
  const a = normalizeIp(ip);
  const type = net.isIPv4(a) ? 'ipv4' : net.isIPv6(a) ? 'ipv6' : null;
  return type !== null && trustedList().check(a, type);
}

/** The request came straight from a trusted proxy (its X-Forwarded-* headers may be believed). */
export function fromTrustedProxy(headers: Headers): boolean {
  const peer = normalizeIp(directPeer(headers));
  return peer !== '' && isTrustedProxy(peer);
}

/** The client's address ('' when the server stamped no peer). */
export function clientAddress(headers: Headers): string {
  const peer = normalizeIp(directPeer(headers));
  if (!peer || !isTrustedProxy(peer)) return peer;
  const xff = headers.get('x-forwarded-for');
  if (!xff) return peer;
  const hops = xff
    .split(',')
    .map((h) => normalizeIp(h))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!isTrustedProxy(hops[i]!)) return hops[i]!;
  return hops[0] ?? peer;
}
