import { createHash } from 'node:crypto';
import { evaluate, type EvalContext, type Evaluation } from '@/lib/rollout/evaluate';
import { DeviceClass, FLAG_KEYS, FlagKey } from '@/lib/rollout/rule';
import { drainCapped, readCapped } from '../core/body';
import { processSingleton, TokenBuckets } from '../core/rate-limit';
import { originAllowed } from '../ingest/cors';
import { clientGeo, verifyOfrepKey } from './ingest-adapter';
import { rolloutSettings } from './settings';
import { currentSnapshot, peekSnapshot, type Snapshot } from './snapshot';
import { ofrepEvaluations } from '../observability/metrics';
import { logger } from '../observability/logger';

/**
 * OFREP v0.3.0 evaluation (rollout contract v1): auth, parse, context checks, evaluation from the
 * in-memory snapshot. Status codes and bodies are what the OpenFeature OFREP providers accept:
 * 200 only as application/json, error bodies only on 400/404/500.
 */

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-cache, private' } as const;

/**
 * Players call OFREP from their own origin (the web provider in a browser). The key travels in a header,
 * never a cookie, so any origin may call; ETag and Retry-After must be readable by the provider.
 */
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'ETag, Retry-After',
} as const;

function withCors(res: Response): Response {
  for (const [k, v] of Object.entries(CORS)) res.headers.set(k, v);
  return res;
}

/** OPTIONS preflight for both endpoints. */
export function preflight(): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...CORS,
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'Authorization, X-API-Key, Content-Type, If-None-Match',
      'access-control-max-age': '600',
    },
  });
}

type ErrorCode = 'PARSE_ERROR' | 'TARGETING_KEY_MISSING' | 'INVALID_CONTEXT' | 'GENERAL';

class OfrepFailure extends Error {
  constructor(
    readonly status: 400 | 500,
    readonly errorCode: ErrorCode,
    readonly details: string,
  ) {
    super(details);
  }
}

/** Token bucket per ingest key, per process (the shared implementation in server/core/rate-limit.ts). */
function allow(keyId: string): boolean {
  const rate = rolloutSettings().SWARMDECK_OFREP_RATE_PER_KEY;
  return processSingleton('ofrep.buckets', () => new TokenBuckets()).take(keyId, 1, rate, rate) === 0;
}

interface Parsed {
  deviceClass: DeviceClass;
  ctx: EvalContext;
}

/** An evaluation context is a few hundred bytes; a larger body is refused (413) before it is buffered. */
export const OFREP_BODY_LIMIT = 16_384;

class OfrepTooLarge extends Error {}

async function parseRequest(req: Request): Promise<Parsed> {
  const read = await readCapped(req, OFREP_BODY_LIMIT);
  if (!read.ok) throw new OfrepTooLarge(read.error);
  let body: unknown;
  try {
    const text = read.bytes.toString('utf8');
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new OfrepFailure(400, 'PARSE_ERROR', 'The request body is not valid JSON.');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new OfrepFailure(400, 'PARSE_ERROR', 'The request body must be a JSON object.');
  const context = (body as { context?: unknown }).context ?? {};
  if (!context || typeof context !== 'object' || Array.isArray(context))
    throw new OfrepFailure(400, 'PARSE_ERROR', '"context" must be an object.');
  const c = context as Record<string, unknown>;
  if (typeof c.targetingKey !== 'string' || c.targetingKey.trim() === '') {
    throw new OfrepFailure(400, 'TARGETING_KEY_MISSING', 'context.targetingKey (the device id) is required.');
  }
  if (c.targetingKey.length > 128)
    throw new OfrepFailure(400, 'INVALID_CONTEXT', 'context.targetingKey is longer than 128 characters.');
  const cls = DeviceClass.safeParse(c.deviceClass);
  if (!cls.success) {
    throw new OfrepFailure(
      400,
      'INVALID_CONTEXT',
      c.deviceClass === undefined
        ? 'context.deviceClass is required.'
        : `context.deviceClass must be one of ${DeviceClass.options.join(', ')}.`,
    );
  }
  let asn: number | null = null;
  if (c.asn !== undefined && c.asn !== null) {
    const n = typeof c.asn === 'string' && /^\d+$/.test(c.asn) ? Number(c.asn) : c.asn;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 4_294_967_295)
      throw new OfrepFailure(400, 'INVALID_CONTEXT', 'context.asn must be an integer ASN.');
    asn = n;
  }
  let country: string | null = null;
  if (c.country !== undefined && c.country !== null) {
    if (typeof c.country !== 'string' || !/^[A-Za-z]{2}$/.test(c.country))
      throw new OfrepFailure(400, 'INVALID_CONTEXT', 'context.country must be an ISO 3166-1 alpha-2 code.');
    country = c.country.toUpperCase();
  }
  let clientVersion: string | null = null;
  if (c.clientVersion !== undefined && c.clientVersion !== null) {
    if (typeof c.clientVersion !== 'string' || c.clientVersion.length > 64)
      throw new OfrepFailure(400, 'INVALID_CONTEXT', 'context.clientVersion must be a version string.');
    clientVersion = c.clientVersion;
  }
  // The server's own view of the client address wins; context values only fill what it cannot derive.
  const derived = clientGeo(req.headers);
  return {
    deviceClass: cls.data,
    ctx: { targetingKey: c.targetingKey, asn: derived.asn ?? asn, country: derived.country ?? country, clientVersion },
  };
}

function flagResult(key: FlagKey, ev: Evaluation, configVersion: number) {
  ofrepEvaluations().inc({ flag: key, reason: ev.reason });
  return {
    key,
    value: ev.flags[key],
    reason: ev.reason,
    variant: ev.cohort,
    metadata: { configVersion, cohort: ev.cohort },
  };
}

async function snapshot(): Promise<Snapshot> {
  return peekSnapshot() ?? (await currentSnapshot());
}

function evaluateFor(snap: Snapshot, p: Parsed): { ev: Evaluation; version: number } {
  const st = snap.classes[p.deviceClass];
  return { ev: evaluate(st.rule, st.killed || snap.global.killed, p.ctx), version: st.version };
}

async function guard(
  req: Request,
  onError: (f: OfrepFailure) => Response,
  run: () => Promise<Response>,
): Promise<Response> {
  return withCors(await guarded(req, onError, run));
}

async function guarded(
  req: Request,
  onError: (f: OfrepFailure) => Response,
  run: () => Promise<Response>,
): Promise<Response> {
  const key = await verifyOfrepKey(req.headers).catch(() => null);
  if (!key) return new Response(null, { status: 401 });
  // Browsers: the key's allowed origins, checked on the request (the preflight carries no key); no `Origin`, no check.
  if (!originAllowed(key.origins, req.headers.get('origin'))) return new Response(null, { status: 403 });
  if (!allow(key.id)) return new Response(null, { status: 429, headers: { 'retry-after': '1' } });
  try {
    return await run();
  } catch (err) {
    if (err instanceof OfrepFailure) return onError(err);
    // The contract gives error bodies to 400/404/500 only: 413 goes without one.
    if (err instanceof OfrepTooLarge) return new Response(null, { status: 413 });
    logger({ area: 'ofrep' }).error({ err: (err as Error).message }, 'evaluation failed');
    return onError(new OfrepFailure(500, 'GENERAL', 'The flag could not be evaluated; try again.'));
  }
}

/** POST /ofrep/v1/evaluate/flags/{key} */
export async function evaluateOne(req: Request, key: string): Promise<Response> {
  return guard(
    req,
    (f) =>
      Response.json(
        { key, errorCode: f.errorCode, errorDetails: f.details },
        { status: f.status, headers: JSON_HEADERS },
      ),
    async () => {
      const flag = FlagKey.safeParse(key);
      if (!flag.success) {
        // Drain the body so keep-alive connections stay usable.
        await drainCapped(req, OFREP_BODY_LIMIT);
        return Response.json({ key, errorCode: 'FLAG_NOT_FOUND' }, { status: 404, headers: JSON_HEADERS });
      }
      const p = await parseRequest(req);
      const { ev, version } = evaluateFor(await snapshot(), p);
      return Response.json(flagResult(flag.data, ev, version), { headers: JSON_HEADERS });
    },
  );
}

function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === '*' || v === etag;
  });
}

/** POST /ofrep/v1/evaluate/flags — every flag, with an ETag of this context's answers. */
export async function evaluateAll(req: Request): Promise<Response> {
  return guard(
    req,
    (f) =>
      Response.json({ errorCode: f.errorCode, errorDetails: f.details }, { status: f.status, headers: JSON_HEADERS }),
    async () => {
      const p = await parseRequest(req);
      const { ev, version } = evaluateFor(await snapshot(), p);
      const flags = FLAG_KEYS.map((k) => flagResult(k, ev, version));
      const body = JSON.stringify({ flags, metadata: { configVersion: version, cohort: ev.cohort } });
      const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
      if (matchesEtag(req.headers.get('if-none-match'), etag)) {
        return new Response(null, { status: 304, headers: { etag, 'cache-control': JSON_HEADERS['cache-control'] } });
      }
      return new Response(body, { status: 200, headers: { ...JSON_HEADERS, etag } });
    },
  );
}
