import net from 'node:net';
import { directPeer } from '../net/peer';
import { env } from '../env';

/**
 * Facts about a request that auth needs: whether it came over TLS, and which client it came from
 * (for rate limits only — never logged or stored).
 */

function trustedProxies(): net.BlockList {
  const list = new net.BlockList();
  for (const entry of env().TRUSTED_PROXIES.split(/[\s,]+/).filter(Boolean)) {
    const [addr, bits] = entry.split('/') as [string, string | undefined];
    const type = net.isIPv6(addr) ? 'ipv6' : 'ipv4';
    if (!net.isIP(addr)) continue;
    if (bits !== undefined) list.addSubnet(addr, Number(bits), type);
    else list.addAddress(addr, type);
  }
  return list;
}

function normalise(addr: string): string {
  return addr.startsWith('::ffff:') && net.isIPv4(addr.slice(7)) ? addr.slice(7) : addr;
}

export function fromTrustedProxy(headers: Headers): boolean {
  const peer = normalise(directPeer(headers));
  if (!peer || !net.isIP(peer)) return false;
  return trustedProxies().check(peer, net.isIPv6(peer) ? 'ipv6' : 'ipv4');
}

/** True when the browser talks TLS to us: directly, or through a trusted proxy that says so. */
export function isHttps(req: { url: string; headers: Headers }): boolean {
  if (fromTrustedProxy(req.headers)) return req.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
  return new URL(req.url).protocol === 'https:';
}

/** The client's address for rate limiting: the peer, or the proxy's X-Forwarded-For when trusted. */
export function clientKey(headers: Headers): string {
  const peer = normalise(directPeer(headers));
  if (fromTrustedProxy(headers)) {
    const hops = (headers.get('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const last = hops.at(-1);
    if (last) return normalise(last);
  }
  return peer || 'unknown';
}

/**
 * Cross-site request check for cookie-authenticated POSTs: browsers send Sec-Fetch-Site (and Origin)
 * on every POST; a request from another site is refused. Clients without either (curl, servers) carry
 * no ambient cookie risk.
 */
export function isCrossSite(req: { url: string; headers: Headers }): boolean {
  const site = req.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.get('origin');
  if (origin) {
    if (origin === 'null') return true;
    const host = req.headers.get('x-forwarded-host') && fromTrustedProxy(req.headers) ? req.headers.get('x-forwarded-host') : req.headers.get('host');
    try {
      return new URL(origin).host !== (host ?? new URL(req.url).host);
    } catch {
      return true;
    }
  }
  return false;
}
