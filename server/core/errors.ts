import { TRPCError } from '@trpc/server';
import { StoreError } from '../clickhouse/client';
import { logger } from '../observability/logger';

/**
 * The service errors, and the one place each is turned into a tRPC code and an HTTP status. Services
 * throw a ServiceError (or let a StoreError through); routers and route handlers call `toTRPCError` /
 * `httpErrorOf` instead of mapping codes themselves. A contract that names its own status wins (the
 * telemetry and CMCD endpoints answer every storage failure 503 + Retry-After, as their spec says).
 * A 5xx never carries the store's own message to the caller: it goes to the server log instead.
 */

export type ServiceErrorKind =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'internal';

export class ServiceError extends Error {
  constructor(
    readonly kind: ServiceErrorKind,
    message: string,
    readonly opts: { retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'ServiceError';
  }
}

export const TRPC_CODE = {
  bad_request: 'BAD_REQUEST',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  too_large: 'PAYLOAD_TOO_LARGE',
  rate_limited: 'TOO_MANY_REQUESTS',
  unavailable: 'SERVICE_UNAVAILABLE',
  timeout: 'GATEWAY_TIMEOUT',
  internal: 'INTERNAL_SERVER_ERROR',
} as const satisfies Record<ServiceErrorKind, TRPCError['code']>;

/** The kind behind a tRPC code, for domain errors that name their code (RolloutError, NotifyError). */
export const KIND_OF_CODE = {
  BAD_REQUEST: 'bad_request',
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not_found',
  CONFLICT: 'conflict',
} as const satisfies Partial<Record<TRPCError['code'], ServiceErrorKind>>;

export const HTTP_STATUS: Record<ServiceErrorKind, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};

/** What a browser is told for a 5xx: never the store's own words (paths, SQL, engine internals). */
export const PUBLIC_MESSAGE: Partial<Record<ServiceErrorKind, string>> = {
  unavailable: 'The data store is unavailable right now; try again shortly.',
  timeout: 'The data store took too long to answer; try a shorter range, or again shortly.',
  internal: 'Something went wrong on the server; the details are in its log.',
};

const STORE_KIND: Record<StoreError['code'], ServiceErrorKind> = {
  locked: 'unavailable',
  unavailable: 'unavailable',
  timeout: 'timeout',
  query: 'internal',
  parse: 'internal',
};

/** Any thrown value as a ServiceError (unknown errors are internal). */
export function serviceErrorOf(err: unknown): ServiceError {
  if (err instanceof ServiceError) return err;
  if (err instanceof StoreError) {
    const kind = STORE_KIND[err.code];
    return new ServiceError(kind, err.message, {
      cause: err,
      retryAfterSeconds: kind === 'unavailable' ? 5 : undefined,
    });
  }
  return new ServiceError('internal', err instanceof Error ? err.message : String(err), { cause: err });
}

function publicMessage(e: ServiceError): string {
  const status = HTTP_STATUS[e.kind];
  if (status < 500) return e.message;
  logger({ area: 'errors' }).error({ kind: e.kind }, e.message);
  return PUBLIC_MESSAGE[e.kind] ?? PUBLIC_MESSAGE.internal!;
}

const PUBLIC_MESSAGES: ReadonlySet<string> = new Set(Object.values(PUBLIC_MESSAGE));

/**
 * The message a tRPC error answer carries (the router's errorFormatter). Procedures' failures were mapped
 * by toTRPCError already; a 5xx that did not pass there (the request context failing to read the session
 * from a held store, an adapter error) still never shows the store's own words.
 */
export function publicTRPCMessage(error: TRPCError, httpStatus: number): string {
  if (httpStatus < 500 || PUBLIC_MESSAGES.has(error.message)) return error.message;
  return publicMessage(serviceErrorOf(error.cause ?? error));
}

export function toTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError) return err;
  const e = serviceErrorOf(err);
  return new TRPCError({
    code: TRPC_CODE[e.kind],
    message: publicMessage(e),
    cause: err instanceof Error ? err : undefined,
  });
}

/** The HTTP answer for a failure: status, `{error}` body, Retry-After where the caller should retry. */
export function httpErrorOf(err: unknown, headers: Record<string, string> = {}): Response {
  const e = serviceErrorOf(err);
  const h: Record<string, string> = { 'cache-control': 'no-store', ...headers };
  if (e.opts.retryAfterSeconds) h['retry-after'] = String(e.opts.retryAfterSeconds);
  return Response.json({ error: publicMessage(e) }, { status: HTTP_STATUS[e.kind], headers: h });
}
