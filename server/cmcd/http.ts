import { StoreError } from '../clickhouse/client';
import { clientAddress } from '../core/client-address';
import { ingestConfig } from '../ingest/config';
import { originAllowed, preflightResponse, TELEMETRY_ALLOW_HEADERS, withRequestCors } from '../ingest/cors';
import { lookupIp } from '../ingest/geo';
import { verifyIngestKey } from '../ingest/keys';
import { ingestBuckets } from '../ingest/rate-limit';
import { checkContentType, readLines } from './body';
import { parseLine, TargetDefaults, type CmcdEvent } from './parse';
import { storeEvents } from './store';

/**
 * POST /api/v1/cmcd — a CMCD v2 event target (CTA-5004-B event mode) for players without the SDK.
 * The answers are chosen for how `CmcdReporter` reacts: it re-queues a batch on 429 and 5xx only, and
 * drops it on any other status, so a batch that can never be stored (400, 401, 413, 415) is not resent.
 */

export interface LineError {
  index: number;
  path: string;
  message: string;
}

const MAX_ERRORS = 100;
const KEY_PARAM = 'key';

/** A URL with its ingest key replaced, for anything that logs or reports a request URL. */
export function redactKey(url: string): string {
  return url.replace(/([?&]key=)[^&#]*/gi, '$1[redacted]');
}

/** CORS exactly as telemetry (contract v1.1, Browsers): the same preflight, headers on every answer. */
export function handleCmcdOptions(req: Request): Response {
  return preflightResponse(req, TELEMETRY_ALLOW_HEADERS);
}

export async function handleCmcdPost(req: Request): Promise<Response> {
  return withRequestCors(req, await cmcdPost(req));
}

async function cmcdPost(req: Request): Promise<Response> {
  const headers = (extra: Record<string, string> = {}) => ({ 'cache-control': 'no-store', ...extra });
  const fail = (status: number, error: string, extra: Record<string, unknown> = {}, h: Record<string, string> = {}) =>
    Response.json({ error, ...extra }, { status, headers: headers(h) });

  const cfg = ingestConfig();
  const addr = clientAddress(req.headers);
  const buckets = ingestBuckets();
  const addrWait = buckets.addrs.take(addr || '-', 1, cfg.SWARMDECK_INGEST_IP_RATE, cfg.SWARMDECK_INGEST_IP_RATE * 2);
  if (addrWait > 0) return fail(429, 'Too many requests from this address', {}, { 'retry-after': String(addrWait) });

  const url = new URL(req.url);
  // Event targets in hls.js / dash.js / Shaka are a URL and nothing else, so the key may ride in the query.
  const auth = new Headers();
  const fromQuery = url.searchParams.get(KEY_PARAM);
  const bearer = req.headers.get('authorization');
  if (bearer) auth.set('authorization', bearer);
  else if (fromQuery) auth.set('authorization', `Bearer ${fromQuery}`);
  let key;
  try {
    key = await verifyIngestKey(auth);
  } catch (err) {
    if (err instanceof StoreError)
      return fail(503, 'Storage unavailable; nothing was stored', {}, { 'retry-after': '5' });
    throw err;
  }
  if (!key)
    return fail(
      401,
      'Missing, unknown or revoked ingest key (?key=<ingest key> in the event target URL, or Authorization: Bearer)',
    );
  const origin = req.headers.get('origin');
  if (!originAllowed(key.origins, origin)) {
    return fail(
      403,
      `origin ${origin!.slice(0, 200)} is not allowed for this key (an admin adds it under Settings → Ingest keys → allowed origins)`,
    );
  }

  const target = TargetDefaults.safeParse(Object.fromEntries([...url.searchParams].filter(([k]) => k !== KEY_PARAM)));
  if (!target.success) {
    const issue = target.error.issues[0]!;
    return fail(400, `query parameter ${issue.path.join('.')}: ${issue.message}`, { errors: [] });
  }

  const ct = checkContentType(req.headers);
  if (!ct.ok) return fail(ct.status, ct.error);
  const body = await readLines(req, ct.gzip);
  if (!body.ok) return fail(body.status, body.error, body.status === 400 ? { errors: [] } : {});

  const keyWait = buckets.keys.take(key.id, body.lines.length, key.rateLimitPerSec, Math.max(key.rateLimitPerSec, 1));
  if (keyWait > 0) return fail(429, 'Rate limit of this ingest key exceeded', {}, { 'retry-after': String(keyWait) });

  const valid: CmcdEvent[] = [];
  const errors: LineError[] = [];
  const ignoredKeys = new Set<string>();
  let rejected = 0;
  const now = Date.now();
  body.lines.forEach((line, index) => {
    const r = parseLine(line, target.data, now);
    if (r.ok) {
      valid.push(r.event);
      for (const k of r.ignored) ignoredKeys.add(k);
      return;
    }
    rejected++;
    for (const issue of r.issues) if (errors.length < MAX_ERRORS) errors.push({ index, ...issue });
  });
  if (valid.length === 0) return fail(400, 'Every event was rejected', { errors });

  try {
    const { accepted, duplicates } = await storeEvents(valid, key.id, lookupIp(addr));
    return Response.json(
      { accepted, duplicates, rejected, errors, ignoredKeys: [...ignoredKeys].sort() },
      { status: 200, headers: headers() },
    );
  } catch (err) {
    if (err instanceof StoreError)
      return fail(503, 'Storage unavailable; nothing from this request was stored', {}, { 'retry-after': '5' });
    throw err;
  }
}
