import net from 'node:net';

/** IP address text: parsing and the one normal form used for lookups, rate-limit keys and proxy checks. */

export function parseIPv4(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

/** IPv6 text → 128-bit value (handles `::` and an embedded dotted IPv4 tail). */
export function parseIPv6(ip: string): bigint | null {
  if (net.isIPv6(ip) === false) return null;
  let s = ip;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, rest] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':').filter((x) => x !== '') : [];
  const r = rest !== undefined && rest !== '' ? rest.split(':').filter((x) => x !== '') : [];
  const groups = h.map((x) => parseInt(x, 16));
  const restGroups = r.map((x) => parseInt(x, 16));
  const missing = 8 - groups.length - restGroups.length;
  if (missing < 0 || (rest === undefined && missing !== 0)) return null;
  const all = [...groups, ...Array<number>(rest === undefined ? 0 : missing).fill(0), ...restGroups];
  if (all.length !== 8 || all.some((g) => !Number.isFinite(g) || g < 0 || g > 0xffff)) return null;
  let v = 0n;
  for (const g of all) v = (v << 16n) | BigInt(g);
  return v;
}

/** `::ffff:a.b.c.d` (and its hex form) count as IPv4; brackets and a zone id are dropped. */
export function normalizeIp(raw: string): string {
  let ip = raw.trim();
  if (ip.startsWith('[')) ip = ip.slice(1, ip.indexOf(']') > 0 ? ip.indexOf(']') : undefined);
  if (net.isIPv4(ip)) return ip;
  if (!net.isIPv6(ip)) {
    // "1.2.3.4:5678" (an address with a port, as some proxies write it)
    const m = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(ip);
    return m && net.isIPv4(m[1]!) ? m[1]! : ip;
  }
  const v = parseIPv6(ip);
  if (v !== null && v >> 32n === 0xffffn) {
    const n = Number(v & 0xffffffffn);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  return ip;
}
