import crypto from 'node:crypto';
import { z } from 'zod';
import { audit, type AuditActor } from '../audit/log';
import { insert, query } from '../clickhouse/client';
import { ApiTokenByHashSql, ApiTokenByIdSql, ApiTokenRow, ListApiTokensSql } from '../clickhouse/queries/auth';
import { env } from '../env';

export const API_TOKEN_SCOPES = ['reports'] as const;
export const ApiTokenScope = z.enum(API_TOKEN_SCOPES);
export type ApiTokenScope = z.infer<typeof ApiTokenScope>;

const PREFIX = 'sdk_';

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

let lastVersion = 0;
function nextVersion(): number {
  lastVersion = Math.max(Date.now() * 1000, lastVersion + 1);
  return lastVersion;
}

function toInsert(row: ApiTokenRow) {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    token_hash: row.token_hash,
    prefix: row.prefix,
    created_by: row.created_by,
    created_at: row.created_at_ms,
    expires_at: row.expires_at_ms,
    revoked_at: row.revoked_at_ms,
    version: row.version,
  };
}

/** Create a token; the plain value is returned once and only its SHA-256 is stored. */
export async function createApiToken(input: {
  name: string;
  scope: ApiTokenScope;
  expiresDays: number | null;
  actor: AuditActor;
}): Promise<{ id: string; token: string; expiresAt: Date | null }> {
  const token = `${PREFIX}${input.scope}_${crypto.randomBytes(32).toString('base64url')}`;
  const now = Date.now();
  const row: ApiTokenRow = {
    id: crypto.randomUUID(),
    name: input.name,
    scope: ApiTokenScope.parse(input.scope),
    token_hash: hashToken(token),
    prefix: token.slice(0, PREFIX.length + input.scope.length + 5),
    created_by: input.actor.email || input.actor.id,
    created_at_ms: now,
    expires_at_ms: input.expiresDays ? now + input.expiresDays * 86_400_000 : null,
    revoked_at_ms: null,
    version: nextVersion(),
  };
  await insert('api_tokens', [toInsert(row)]);
  await audit({
    actor: input.actor,
    action: 'api_token.created',
    target: { type: 'api_token', id: row.id },
    after: {
      name: row.name,
      scope: row.scope,
      expiresAt: row.expires_at_ms ? new Date(row.expires_at_ms).toISOString() : null,
    },
  });
  return { id: row.id, token, expiresAt: row.expires_at_ms ? new Date(row.expires_at_ms) : null };
}

export async function listApiTokens() {
  const rows = await query(ListApiTokensSql);
  const now = Date.now();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    scope: r.scope,
    prefix: r.prefix,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at_ms),
    expiresAt: r.expires_at_ms ? new Date(r.expires_at_ms) : null,
    revokedAt: r.revoked_at_ms ? new Date(r.revoked_at_ms) : null,
    state: r.revoked_at_ms
      ? ('revoked' as const)
      : r.expires_at_ms && r.expires_at_ms <= now
        ? ('expired' as const)
        : ('active' as const),
  }));
}

export async function revokeApiToken(id: string, actor: AuditActor): Promise<boolean> {
  const [row] = await query(ApiTokenByIdSql, { id });
  if (!row) return false;
  if (row.revoked_at_ms) return true;
  await insert('api_tokens', [toInsert({ ...row, revoked_at_ms: Date.now(), version: nextVersion() })]);
  await audit({
    actor,
    action: 'api_token.revoked',
    target: { type: 'api_token', id },
    before: { name: row.name, scope: row.scope },
  });
  return true;
}

export interface VerifiedToken {
  id: string;
  name: string;
  scope: ApiTokenScope;
}

function sameSecret(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

/**
 * The API token behind a request's credential (the bare token; strip `Bearer ` first, or use
 * `bearerToken(headers)`), if it is live and carries the scope. The bootstrap SWARMDECK_REPORTS_TOKEN
 * counts as a `reports` token with the id `bootstrap`.
 */
export async function verifyApiToken(
  token: string | null | undefined,
  scope: ApiTokenScope,
): Promise<VerifiedToken | null> {
  if (!token || token.length > 512) return null;
  const bootstrap = env().SWARMDECK_REPORTS_TOKEN;
  if (scope === 'reports' && bootstrap && sameSecret(token, bootstrap))
    return { id: 'bootstrap', name: 'SWARMDECK_REPORTS_TOKEN', scope };
  const [row] = await query(ApiTokenByHashSql, { hash: hashToken(token) });
  if (!row || row.scope !== scope || row.revoked_at_ms) return null;
  if (row.expires_at_ms !== null && row.expires_at_ms <= Date.now()) return null;
  return { id: row.id, name: row.name, scope };
}

/** `Authorization: Bearer <token>` → the token, or null. */
export function bearerToken(headers: Headers): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '');
  return m ? m[1]! : null;
}
