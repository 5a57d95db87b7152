import net from 'node:net';
import { env } from '../env';
import { directPeer } from '../net/peer';
import { normalizeIp } from './geo';

/**
 * The client's address: the socket's peer, or — only when that peer is a trusted proxy
 * (TRUSTED_PROXIES) — the right-most X-Forwarded-For address that is not itself a trusted proxy.
 * Used for enrichment and rate limiting only; never stored or logged.
 */

let cached: { spec: string; list: net.BlockList } | undefined;

function trustedList(): net.BlockList {
  const spec = env().TRUSTED_PROXIES;
  if (cached?.spec === spec) return cached.list;
  const list = new net.BlockList();
  for (const raw of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [addr, prefix] = raw.split('/');
    const ip = normalizeIp(addr ?? '');
    const type = net.isIPv4(ip) ? 'ipv4' : net.isIPv6(ip) ? 'ipv6' : null;
    if (!type) throw new Error(`TRUSTED_PROXIES: "${raw}" is not an IP address or CIDR`);
    if (prefix !== undefined) list.addSubnet(ip, Number(prefix), type);
    else list.addAddress(ip, type);
  }
  cached = { spec, list };
  return list;
}

export function isTrustedProxy(ip: string): boolean {
  const a = normalizeIp(ip);
  const type = net.isIPv4(a) ? 'ipv4' : net.isIPv6(a) ? 'ipv6' : null;
  return type !== null && trustedList().check(a, type);
}

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
