/**
 * CORS for the machine endpoints web players call from their own origin (telemetry contract v1.1,
 * Browsers). A preflight carries no key, so it is answered for any origin; whether the key allows the
 * origin is decided on the request itself (see `originAllowed`). Credentials are never allowed: the key
 * travels in a header, and a cookie must never authorize anything here.
 */

export const TELEMETRY_ALLOW_HEADERS = 'Authorization, Content-Type, Content-Encoding';
export const PREFLIGHT_MAX_AGE_S = '600';

/** What a key says about origins: any, or an exact list (scheme://host[:port], as browsers send `Origin`). */
export interface OriginPolicy {
  anyOrigin: boolean;
  allowedOrigins: readonly string[];
}

/** True when the request may go on: no `Origin` (devices, servers) or an origin the key allows. */
export function originAllowed(policy: OriginPolicy, origin: string | null): boolean {
  if (origin === null) return true;
  return policy.anyOrigin || policy.allowedOrigins.includes(origin);
}

/** The preflight answer for a POST with `allowHeaders`, for any origin. */
export function preflightResponse(req: Request, allowHeaders: string): Response {
  const origin = req.headers.get('origin');
  const headers: Record<string, string> = {
    'access-control-allow-methods': 'POST',
    'access-control-allow-headers': allowHeaders,
    'access-control-max-age': PREFLIGHT_MAX_AGE_S,
    'cache-control': 'no-store',
    vary: 'Origin, Access-Control-Request-Headers',
  };
  if (origin) headers['access-control-allow-origin'] = origin;
  return new Response(null, { status: 204, headers });
}

/** Adds the CORS answer headers when the request had an `Origin` (errors included, so the browser can read them). */
export function withRequestCors(req: Request, res: Response): Response {
  const origin = req.headers.get('origin');
  if (!origin) return res;
  res.headers.set('access-control-allow-origin', origin);
  res.headers.set('access-control-expose-headers', 'Retry-After');
  res.headers.append('vary', 'Origin');
  return res;
}

/** Parses an origin typed by an admin: `https://player.example.com` (no path, no trailing slash). */
export function normalizeOrigin(input: string): string | null {
  const s = input.trim();
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.username || u.password || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) return null;
  if (s.replace(/\/$/, '').toLowerCase() !== u.origin.toLowerCase()) return null;
  return u.origin;
}
