import { parseReport, type TelemetryReport } from '@/lib/telemetry/schema';
import { StoreError } from '../clickhouse/client';
import { readReports, contentKind } from './body';
import { clientAddress } from '../core/client-address';
import { clientDroppedOf, storeClientDrops, type DropRow } from './client-drops';
import { originAllowed, preflightResponse, TELEMETRY_ALLOW_HEADERS, withRequestCors } from './cors';
import { fastValidate } from './fast-validate';
import { ingestConfig } from './config';
import { lookupIp } from './geo';
import { ingestReports } from './ingest';
import { verifyIngestKey } from './keys';
import { ingestBuckets } from './rate-limit';
import { IngestOverloaded } from './writer';
import { telemetryAnswered, telemetryRefused } from '../observability/metrics';

/** POST /api/v1/telemetry per contract v1: statuses, bodies and headers exactly as it lists them. */

export interface ReportError {
  index: number;
  path: string;
  message: string;
}

const MAX_ERRORS = 100;
const NO_STORE = { 'cache-control': 'no-store' };

function fail(
  status: number,
  error: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  telemetryRefused(status);
  return Response.json({ error, ...extra }, { status, headers: { ...NO_STORE, ...headers } });
}

/** OPTIONS: a preflight carries no key, so it is answered for any origin (the key's origins are checked on the POST). */
export function handleTelemetryPreflight(req: Request): Response {
  return preflightResponse(req, TELEMETRY_ALLOW_HEADERS);
}

/** Every answer to a request with an `Origin`, errors included, carries the CORS headers (contract v1.1, Browsers). */
export async function handleTelemetryPost(req: Request): Promise<Response> {
  return withRequestCors(req, await telemetryPost(req));
}

async function telemetryPost(req: Request): Promise<Response> {
  const cfg = ingestConfig();
  const addr = clientAddress(req.headers);
  const ipRate = cfg.SWARMDECK_INGEST_IP_RATE;
  const buckets = ingestBuckets();
  const addrWait = buckets.addrs.take(addr || '-', 1, ipRate, ipRate * 2);
  if (addrWait > 0) return fail(429, 'Too many requests from this address', {}, { 'retry-after': String(addrWait) });

  let key;
  try {
    key = await verifyIngestKey(req.headers);
  } catch (err) {
    if (err instanceof StoreError)
      return fail(503, 'Storage unavailable; nothing was stored', {}, { 'retry-after': '5' });
    throw err;
  }
  if (!key) return fail(401, 'Missing, unknown or revoked ingest key (Authorization: Bearer <ingest key>)');
  const origin = req.headers.get('origin');
  if (!originAllowed(key.origins, origin)) {
    return fail(
      403,
      `origin ${origin!.slice(0, 200)} is not allowed for this key (an admin adds it under Settings → Ingest keys → allowed origins)`,
    );
  }

  const ct = contentKind(req.headers);
  if (!ct.ok) return fail(ct.status, ct.error);
  const body = await readReports(req, ct.kind, ct.gzip);
  if (!body.ok) return fail(body.status, body.error, body.status === 400 ? { errors: [] } : {});

  const keyWait = buckets.keys.take(key.id, body.items.length, key.rateLimitPerSec, Math.max(key.rateLimitPerSec, 1));
  if (keyWait > 0) return fail(429, 'Rate limit of this ingest key exceeded', {}, { 'retry-after': String(keyWait) });

  const valid: TelemetryReport[] = [];
  const drops: DropRow[] = [];
  const errors: ReportError[] = [];
  let rejected = 0;
  const now = Date.now();
  body.items.forEach((item, index) => {
    if ('lineError' in item) {
      rejected++;
      if (errors.length < MAX_ERRORS) errors.push({ index, path: '', message: item.lineError });
      return;
    }
    let report = fastValidate(item.value, now);
    if (!report) {
      const r = parseReport(item.value);
      if (!r.ok) {
        rejected++;
        for (const issue of r.issues) {
          if (errors.length >= MAX_ERRORS) break;
          errors.push({ index, path: issue.path, message: issue.message });
        }
        return;
      }
      report = r.report;
    }
    valid.push(report);
    const dropped = clientDroppedOf(item.value);
    if (dropped) drops.push({ reportId: report.reportId, deviceClass: report.deviceClass, dropped });
  });
  if (rejected > 0) telemetryAnswered({ accepted: 0, duplicates: 0, rejected });
  if (valid.length === 0) return fail(400, 'Every report was rejected', { errors });

  try {
    // Before the reports: if this fails nothing is stored and the client resends; a resent report's
    // row replaces its earlier one, so the counts never double.
    await storeClientDrops(key.id, drops);
    const { accepted, duplicates } = await ingestReports(valid, {
      keyId: key.id,
      trustedRelay: key.trustedRelay,
      geo: lookupIp(addr),
    });
    return Response.json({ accepted, duplicates, rejected, errors }, { status: 200, headers: NO_STORE });
  } catch (err) {
    if (err instanceof IngestOverloaded)
      return fail(503, err.message, {}, { 'retry-after': String(err.retryAfterSec) });
    if (err instanceof StoreError)
      return fail(503, 'Storage unavailable; nothing from this request was stored', {}, { 'retry-after': '5' });
    throw err;
  }
}
