import crypto from 'node:crypto';
import { z } from 'zod';
import { ServiceError } from '../core/errors';
import { audit, type AuditActor } from '../audit/log';
import { insert, query } from '../clickhouse/client';
import { KEYS_TABLE, KeyRow, ListKeysSql } from '../clickhouse/queries/ingest';
import { env } from '../env';
import { ingestConfig } from './config';
import { normalizeOrigin, type OriginPolicy } from './cors';
import { processSingleton } from '../core/rate-limit';

/**
 * Ingest keys identify a client application and carry its limits. Only a key's SHA-256 is stored
 * (keys are 256-bit random values, so a plain hash is enough); the key is shown once, at creation.
 * The bootstrap key from SWARMDECK_INGEST_KEY (demo, tests) is never a trusted relay.
 */

export interface IngestKey {
  id: string;
  name: string;
  /** reports per second (token bucket) */
  rateLimitPerSec: number;
  /** only a trusted relay may set a report's `asn` */
  trustedRelay: boolean;
  /** Browsers: which `Origin`s may use the key (requests without `Origin` are not affected). */
  origins: OriginPolicy;
}

const ANY_ORIGIN: OriginPolicy = { anyOrigin: true, allowedOrigins: [] };

export const BOOTSTRAP_KEY_ID = 'bootstrap';

/** One exact origin as a browser sends it in `Origin`: scheme://host[:port]. */
export const AllowedOrigin = z
  .string()
  .max(200)
  .transform((s, ctx) => {
    const o = normalizeOrigin(s);
    if (!o) {
      ctx.addIssue({
        code: 'custom',
        message: `"${s.slice(0, 60)}" is not an origin: use scheme://host[:port], e.g. https://player.example.com`,
      });
      return z.NEVER;
    }
    return o;
  });

/** `'*'`: any origin; otherwise 1–50 exact origins. */
export const AllowedOrigins = z.union([
  z.literal('*'),
  z.array(AllowedOrigin).min(1, 'List at least one origin, or allow any origin').max(50),
]);
export type AllowedOrigins = z.output<typeof AllowedOrigins>;

export const CreateIngestKeyInput = z.object({
  name: z.string().trim().min(1).max(100),
  rateLimitPerSec: z.number().int().min(1).max(10_000_000),
  trustedRelay: z.boolean().default(false),
  /** Keys created without a choice (API callers from before origins existed) allow any origin. */
  allowedOrigins: AllowedOrigins.default('*'),
});
export type CreateIngestKeyInput = z.input<typeof CreateIngestKeyInput>;

export interface IngestKeySummary extends IngestKey {
  prefix: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  /** `'*'` or the exact origins. */
  allowedOrigins: AllowedOrigins;
}

function policyOf(o: AllowedOrigins): OriginPolicy {
  return o === '*' ? ANY_ORIGIN : { anyOrigin: false, allowedOrigins: [...new Set(o)] };
}
function originsOf(r: KeyRow): AllowedOrigins {
  return r.any_origin === 1 ? '*' : r.allowed_origins;
}

function sha256(s: string): string {
  return crypto.createHash('sha256').update(s).digest('hex');
}

interface KeyCache {
  byHash: Map<string, IngestKey>;
  loadedAt: number;
  loading?: Promise<void>;
}
const cache = (): KeyCache => processSingleton('ingest.keys', (): KeyCache => ({ byHash: new Map(), loadedAt: 0 }));

/** Keys are re-read at most this often; a miss re-reads sooner, but not more than once a second. */
const REFRESH_MS = 5_000;
const MISS_REFRESH_MS = 1_000;

async function rows(): Promise<KeyRow[]> {
  return query(ListKeysSql);
}

async function reload(): Promise<void> {
  const c = cache();
  c.loading ??= rows()
    .then((list) => {
      const byHash = new Map<string, IngestKey>();
      for (const r of list) {
        if (r.revoked_at) continue;
        byHash.set(r.key_hash, {
          id: r.id,
          name: r.name,
          rateLimitPerSec: r.rate_limit_per_sec,
          trustedRelay: r.trusted_relay === 1,
          origins: r.any_origin === 1 ? ANY_ORIGIN : { anyOrigin: false, allowedOrigins: r.allowed_origins },
        });
      }
      c.byHash = byHash;
      c.loadedAt = Date.now();
    })
    .finally(() => {
      c.loading = undefined;
    });
  return c.loading;
}

export function bearerToken(headers: Headers): string | null {
  const h = headers.get('authorization');
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
}

/** The ingest key behind a request's `Authorization: Bearer …`, or null (missing, unknown, revoked). */
export async function verifyIngestKey(headers: Headers): Promise<IngestKey | null> {
  const token = bearerToken(headers);
  if (!token) return null;
  const hash = sha256(token);
  const boot = env().SWARMDECK_INGEST_KEY;
  if (boot && crypto.timingSafeEqual(Buffer.from(sha256(boot), 'hex'), Buffer.from(hash, 'hex'))) {
    return {
      id: BOOTSTRAP_KEY_ID,
      name: 'Bootstrap key (SWARMDECK_INGEST_KEY)',
      rateLimitPerSec: ingestConfig().SWARMDECK_INGEST_KEY_RATE,
      trustedRelay: false,
      origins: ANY_ORIGIN,
    };
  }
  const c = cache();
  const age = Date.now() - c.loadedAt;
  if (age > REFRESH_MS) await reload();
  let found = c.byHash.get(hash);
  if (!found && age > MISS_REFRESH_MS && Date.now() - c.loadedAt > MISS_REFRESH_MS) {
    await reload();
    found = c.byHash.get(hash);
  }
  return found ?? null;
}

function summary(r: KeyRow): IngestKeySummary {
  return {
    id: r.id,
    name: r.name,
    prefix: r.key_prefix,
    rateLimitPerSec: r.rate_limit_per_sec,
    trustedRelay: r.trusted_relay === 1,
    createdAt: r.created_at,
    createdBy: r.created_by,
    revokedAt: r.revoked_at || null,
    origins: r.any_origin === 1 ? ANY_ORIGIN : { anyOrigin: false, allowedOrigins: r.allowed_origins },
    allowedOrigins: originsOf(r),
  };
}

export async function listIngestKeys(): Promise<IngestKeySummary[]> {
  return (await rows()).map(summary);
}

/** Create a key; the returned `key` is shown once and never stored. */
export async function createIngestKey(
  input: CreateIngestKeyInput,
  actor: AuditActor,
): Promise<{ id: string; key: string; prefix: string }> {
  const i = CreateIngestKeyInput.parse(input);
  const id = crypto.randomUUID();
  const policy = policyOf(i.allowedOrigins);
  const key = `sdk_${crypto.randomBytes(32).toString('base64url')}`;
  const prefix = key.slice(0, 10);
  const now = Date.now();
  await insert(KEYS_TABLE, [
    {
      id,
      name: i.name,
      key_hash: sha256(key),
      key_prefix: prefix,
      rate_limit_per_sec: i.rateLimitPerSec,
      trusted_relay: i.trustedRelay ? 1 : 0,
      created_at: now,
      created_by: actor.email || actor.id,
      revoked_at: null,
      version: now,
      any_origin: policy.anyOrigin ? 1 : 0,
      allowed_origins: policy.allowedOrigins,
    },
  ]);
  await audit({
    actor,
    action: 'ingest_key.created',
    target: { type: 'ingest_key', id },
    after: {
      name: i.name,
      prefix,
      rateLimitPerSec: i.rateLimitPerSec,
      trustedRelay: i.trustedRelay,
      allowedOrigins: i.allowedOrigins,
    },
  });
  cache().loadedAt = 0;
  return { id, key, prefix };
}

export class IngestKeyNotFound extends ServiceError {
  constructor(message: string) {
    super('not_found', message);
    this.name = 'IngestKeyNotFound';
  }
}

/** Revoke a key: from now on it answers 401 (in this process at once; elsewhere within 5 s). */
export async function revokeIngestKey(id: string, actor: AuditActor): Promise<IngestKeySummary> {
  const list = await rows();
  const row = list.find((r) => r.id === id);
  if (!row) throw new IngestKeyNotFound(`No ingest key ${id}`);
  if (row.revoked_at) return summary(row);
  const now = Date.now();
  await insert(KEYS_TABLE, [
    {
      id: row.id,
      name: row.name,
      key_hash: row.key_hash,
      key_prefix: row.key_prefix,
      rate_limit_per_sec: row.rate_limit_per_sec,
      trusted_relay: row.trusted_relay,
      created_at: Date.parse(row.created_at),
      created_by: row.created_by,
      revoked_at: now,
      version: Math.max(now, row.version + 1),
      any_origin: row.any_origin,
      allowed_origins: row.allowed_origins,
    },
  ]);
  await audit({
    actor,
    action: 'ingest_key.revoked',
    target: { type: 'ingest_key', id },
    before: { name: row.name, prefix: row.key_prefix, revokedAt: null },
    after: { name: row.name, prefix: row.key_prefix, revokedAt: new Date(now).toISOString() },
  });
  const c = cache();
  c.byHash.delete(row.key_hash);
  c.loadedAt = 0;
  return { ...summary(row), revokedAt: new Date(now).toISOString() };
}

export const SetIngestKeyOriginsInput = z.object({ id: z.string().min(1).max(100), allowedOrigins: AllowedOrigins });
export type SetIngestKeyOriginsInput = z.input<typeof SetIngestKeyOriginsInput>;

/** Change which origins may use a key (browsers only; applies in this process at once, elsewhere within 5 s). */
export async function setIngestKeyOrigins(
  input: SetIngestKeyOriginsInput,
  actor: AuditActor,
): Promise<IngestKeySummary> {
  const i = SetIngestKeyOriginsInput.parse(input);
  const row = (await rows()).find((r) => r.id === i.id);
  if (!row) throw new IngestKeyNotFound(`No ingest key ${i.id}`);
  const policy = policyOf(i.allowedOrigins);
  const now = Date.now();
  const next: KeyRow = {
    ...row,
    any_origin: policy.anyOrigin ? 1 : 0,
    allowed_origins: [...policy.allowedOrigins],
    version: Math.max(now, row.version + 1),
  };
  await insert(KEYS_TABLE, [
    {
      id: row.id,
      name: row.name,
      key_hash: row.key_hash,
      key_prefix: row.key_prefix,
      rate_limit_per_sec: row.rate_limit_per_sec,
      trusted_relay: row.trusted_relay,
      created_at: Date.parse(row.created_at),
      created_by: row.created_by,
      revoked_at: row.revoked_at ? Date.parse(row.revoked_at) : null,
      version: next.version,
      any_origin: next.any_origin,
      allowed_origins: next.allowed_origins,
    },
  ]);
  await audit({
    actor,
    action: 'ingest_key.origins_changed',
    target: { type: 'ingest_key', id: row.id },
    before: { name: row.name, prefix: row.key_prefix, allowedOrigins: originsOf(row) },
    after: { name: row.name, prefix: row.key_prefix, allowedOrigins: originsOf(next) },
  });
  cache().loadedAt = 0;
  return summary(next);
}
