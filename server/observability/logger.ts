import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { observabilityConfig } from './config';
import { processSingleton, processSlot } from '../core/rate-limit';

/**
 * The process's logger: JSON lines (pino) with the request id of the request being served, level from
 * SWARMDECK_LOG_LEVEL, human-readable in development and the demo. What must never reach a log — a
 * client address, a secret, a token, a cookie — is kept out twice: nothing logs them on purpose (request
 * lines carry method, route, status and duration only), and every line is scrubbed on its way out of
 * the known secret values and of fields named like credentials.
 */

export interface RequestContext {
  reqId: string;
}

const loggerSlot = processSlot<Logger>('observability.logger');

function storage(): AsyncLocalStorage<RequestContext> {
  return processSingleton('observability.request-context', () => new AsyncLocalStorage<RequestContext>());
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The caller's X-Request-Id when it is a plain token, otherwise a fresh one. */
export function requestIdFrom(header: string | string[] | undefined | null): string {
  const v = Array.isArray(header) ? header[0] : header;
  return v && REQUEST_ID.test(v) ? v : randomUUID();
}

export function withRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage().run(ctx, fn);
}

export function currentRequestId(): string | undefined {
  return storage().getStore()?.reqId;
}

// Fields whose values are credentials or addresses wherever they appear in a logged object.
const REDACT = [
  'authorization',
  'cookie',
  'password',
  'token',
  'secret',
  'ip',
  'address',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers["x-forwarded-for"]',
  'headers["x-real-ip"]',
  'headers["x-swarmdeck-peer"]',
  'headers["x-api-key"]',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.token',
  '*.secret',
  '*.ip',
  '*.address',
];

const SECRET_VARS = [
  'SWARMDECK_SESSION_SECRET',
  'SWARMDECK_INGEST_KEY',
  'SWARMDECK_REPORTS_TOKEN',
  'SWARMDECK_METRICS_TOKEN',
  'SWARMDECK_ADMIN_PASSWORD',
  'OIDC_CLIENT_SECRET',
  'CLICKHOUSE_PASSWORD',
];

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces every configured secret value (and its JSON-escaped form) in a serialized line. */
function secretScrubber(): (line: string) => string {
  const values = SECRET_VARS.map((k) => process.env[k]).filter(
    (v): v is string => typeof v === 'string' && v.length >= 8,
  );
  if (values.length === 0) return (s) => s;
  const forms = new Set<string>();
  for (const v of values) {
    forms.add(v);
    forms.add(JSON.stringify(v).slice(1, -1));
  }
  const re = new RegExp([...forms].map(escapeRe).join('|'), 'g');
  return (s) => s.replace(re, '[redacted]');
}

function create(): Logger {
  const cfg = observabilityConfig();
  const usePretty =
    (cfg.SWARMDECK_LOG_FORMAT ??
      (process.env.NODE_ENV === 'development' || process.env.SWARMDECK_DEMO === '1' ? 'pretty' : 'json')) === 'pretty';
  const scrub = secretScrubber();
  const options: pino.LoggerOptions = {
    level: cfg.SWARMDECK_LOG_LEVEL,
    base: { service: 'swarmdeck' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT, censor: '[redacted]' },
    mixin() {
      const id = currentRequestId();
      return id ? { reqId: id } : {};
    },
    hooks: { streamWrite: scrub },
  };
  // pino-pretty as a stream in this thread: transports would start worker threads, which Next's bundles
  // and chdb's one-engine-per-process model are better without.
  const stream = usePretty
    ? pretty({ sync: true, colorize: false, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' })
    : pino.destination({ sync: true });
  return pino(options, stream);
}

/** The process's logger (shared by server.ts and Next's bundles), or a child with fixed fields. */
export function logger(bindings?: Record<string, string>): Logger {
  const root = (loggerSlot.value ??= create());
  return bindings ? root.child(bindings) : root;
}

/** Tests that change SWARMDECK_LOG_* between cases. */
export function resetLogger(): void {
  loggerSlot.value = undefined;
}
