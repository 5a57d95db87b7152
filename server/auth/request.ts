import { clientAddress, fromTrustedProxy } from '../core/client-address';

export { fromTrustedProxy };

/**
 * Facts about a request that auth needs: whether it came over TLS, and which client it came from
 * (for rate limits only — never logged or stored).
 */

/** True when the browser talks TLS to us: directly, or through a trusted proxy that says so. */
export function isHttps(req: { url: string; headers: Headers }): boolean {
  if (fromTrustedProxy(req.headers)) return req.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
  return new URL(req.url).protocol === 'https:';
}

/** The client's address for rate limiting: the one parser ingest and OFREP use too. */
export function clientKey(headers: Headers): string {
  return clientAddress(headers) || 'unknown';
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
    const host =
      req.headers.get('x-forwarded-host') && fromTrustedProxy(req.headers)
        ? req.headers.get('x-forwarded-host')
        : req.headers.get('host');
    try {
      return new URL(origin).host !== (host ?? new URL(req.url).host);
    } catch {
      return true;
    }
  }
  return false;
}
