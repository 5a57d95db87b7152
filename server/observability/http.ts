import { timingSafeEqual, createHash } from 'node:crypto';
import net from 'node:net';
import { can } from '@/lib/auth/permissions';
import { sessionFromHeaders } from '../auth/session';
import { clientAddress } from '../core/client-address';
import { normalizeIp } from '../ingest/geo';
import { observabilityConfig } from './config';
import { logger, requestIdFrom, withRequestContext } from './logger';
import { methodLabel, metrics, routeLabel, scrape } from './metrics';
import { readiness } from './readiness';

const NO_STORE = { 'cache-control': 'no-store' };

function sameSecret(a: string, b: string): boolean {
  // Hash both so the comparison is constant-time whatever the lengths.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

let allowCache: { spec: string; list: net.BlockList } | undefined;
function allowList(): net.BlockList {
  const spec = observabilityConfig().SWARMDECK_METRICS_ALLOW;
  if (allowCache?.spec === spec) return allowCache.list;
  const list = new net.BlockList();
  for (const raw of spec.split(/[\s,]+/).filter(Boolean)) {
    const [addr, bits] = raw.split('/') as [string, string | undefined];
    const ip = normalizeIp(addr);
    const type = net.isIPv4(ip) ? 'ipv4' : net.isIPv6(ip) ? 'ipv6' : null;
    if (!type) throw new Error(`SWARMDECK_METRICS_ALLOW: "${raw}" is not an IP address or CIDR`);
    if (bits !== undefined) list.addSubnet(ip, Number(bits), type);
    else list.addAddress(ip, type);
  }
  allowCache = { spec, list };
  return list;
}

function addressAllowed(headers: Headers): boolean {
  const addr = normalizeIp(clientAddress(headers));
  const type = net.isIPv4(addr) ? 'ipv4' : net.isIPv6(addr) ? 'ipv6' : null;
  return type !== null && allowList().check(addr, type);
}

/** Who may read /metrics: the metrics token as a Bearer credential, or an address on the allow list. */
export function metricsAccess(headers: Headers): 'ok' | 'missing' | 'refused' {
  const cfg = observabilityConfig();
  const auth = headers.get('authorization');
  const bearer = auth && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '').trim() : null;
  if (bearer && cfg.SWARMDECK_METRICS_TOKEN && sameSecret(bearer, cfg.SWARMDECK_METRICS_TOKEN)) return 'ok';
  if (addressAllowed(headers)) return 'ok';
  return bearer ? 'refused' : 'missing';
}

/** GET /metrics (Prometheus text exposition). */
export async function handleMetrics(req: Request): Promise<Response> {
  const access = metricsAccess(req.headers);
  if (access === 'missing') {
    return Response.json(
      {
        error:
          'Metrics need Authorization: Bearer <SWARMDECK_METRICS_TOKEN>, or a request from an address in SWARMDECK_METRICS_ALLOW.',
      },
      { status: 401, headers: { ...NO_STORE, 'www-authenticate': 'Bearer realm="metrics"' } },
    );
  }
  if (access === 'refused')
    return Response.json({ error: 'This token may not read metrics.' }, { status: 403, headers: NO_STORE });
  const { body, contentType } = await scrape();
  return new Response(body, { status: 200, headers: { ...NO_STORE, 'content-type': contentType } });
}

/** GET /api/ready: 200 when the store answers, no migration is pending and the rollout snapshot is loaded. */
export async function handleReady(req: Request): Promise<Response> {
  const r = await readiness();
  const body: Record<string, unknown> = { status: r.ready ? 'ready' : 'not_ready', checks: r.checks };
  if (await isAdmin(req.headers)) body.details = r.details;
  return Response.json(body, {
    status: r.ready ? 200 : 503,
    headers: { ...NO_STORE, ...(r.ready ? {} : { 'retry-after': '5' }) },
  });
}

/** An admin's session (the only callers shown raw error text); false when the store cannot say. */
export async function isAdmin(headers: Headers): Promise<boolean> {
  try {
    const user = await sessionFromHeaders(headers);
    return can(user?.role, 'settings:manage');
  } catch {
    return false;
  }
}

/**
 * Wraps one node:http request: a request id (the caller's X-Request-Id when it is a plain token),
 * echoed in the answer and carried by every log line written while serving it; the HTTP metrics; and a
 * log line per request (debug, or warn/error for 4xx/5xx) with method, route template, status and
 * duration only — never the address, the query string, a header or a cookie.
 */
export function observeRequest(
  req: import('node:http').IncomingMessage,
  res: import('node:http').ServerResponse,
  serve: () => void,
): void {
  const reqId = requestIdFrom(req.headers['x-request-id']);
  req.headers['x-request-id'] = reqId;
  res.setHeader('x-request-id', reqId);
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = routeLabel(req.url);
    const method = methodLabel(req.method);
    const m = metrics();
    m.httpRequests.inc({ route, method, status: String(res.statusCode) });
    m.httpSeconds.observe({ route, method }, seconds);
    const line = { reqId, method, route, status: res.statusCode, ms: Math.round(seconds * 1000) };
    const log = logger();
    // 503 is an answer the contracts plan for (overload, restore, store down): worth a warning, not an error
    if (res.statusCode === 503) log.warn(line, 'request answered unavailable');
    else if (res.statusCode >= 500) log.error(line, 'request failed');
    else log.debug(line, 'request');
  });
  withRequestContext({ reqId }, serve);
}
