import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { audit, type AuditActor } from '../audit/log';
import { insert, query } from '../clickhouse/client';
import { ShareLinkByHashSql, ShareLinkByIdSql, ShareLinksListSql, ShareLinkRow } from '../clickhouse/queries/reports';
import { MAX_DAYS, daysBetween, parseDay } from './params';

/** Share links: a random token, stored only as its SHA-256, for a set of ASNs and dates, until it expires. */

export const TABLE = 'report_share_links';
export const MAX_SHARE_DAYS_VALID = 90;

export const CreateShareLink = z
  .object({
    asns: z.array(z.number().int().min(0).max(4_294_967_295)).min(1).max(200),
    from: z.string().refine((v) => parseDay(v) !== null, 'a date written YYYY-MM-DD'),
    to: z.string().refine((v) => parseDay(v) !== null, 'a date written YYYY-MM-DD'),
    /** how long the link works, in hours */
    expiresInHours: z
      .number()
      .int()
      .min(1)
      .max(MAX_SHARE_DAYS_VALID * 24),
    label: z.string().trim().max(200).default(''),
  })
  .refine((v) => v.to >= v.from, { path: ['to'], message: 'must not be before from' })
  .refine((v) => daysBetween(v.from, v.to) <= MAX_DAYS, { path: ['to'], message: `at most ${MAX_DAYS} days` });
export type CreateShareLink = z.input<typeof CreateShareLink>;

export interface ShareLink {
  id: string;
  asns: number[];
  from: string;
  to: string;
  expiresAt: number;
  createdAt: number;
  createdBy: string;
  label: string;
  revokedAt: number | null;
  revokedBy: string;
  status: 'active' | 'expired' | 'revoked';
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function toLink(r: ShareLinkRow, now = Date.now()): ShareLink {
  return {
    id: r.id,
    asns: r.asns,
    from: r.from_day,
    to: r.to_day,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    createdBy: r.created_by,
    label: r.label,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
    status: r.revoked_at !== null ? 'revoked' : r.expires_at <= now ? 'expired' : 'active',
  };
}

function row(l: ShareLink, tokenHash: string, version: number): Record<string, unknown> {
  return {
    id: l.id,
    token_hash: tokenHash,
    asns: l.asns,
    from_day: l.from,
    to_day: l.to,
    expires_at: l.expiresAt,
    created_at: l.createdAt,
    created_by: l.createdBy,
    label: l.label,
    revoked_at: l.revokedAt,
    revoked_by: l.revokedBy,
    version,
  };
}

/** Creates a link; the token is returned once and never stored. */
export async function createShareLink(
  actor: AuditActor & { email?: string },
  input: CreateShareLink,
  now = Date.now(),
): Promise<{ link: ShareLink; token: string }> {
  const v = CreateShareLink.parse(input);
  const token = randomBytes(32).toString('base64url');
  const link: ShareLink = {
    id: randomUUID(),
    asns: [...new Set(v.asns)].sort((a, b) => a - b),
    from: v.from,
    to: v.to,
    expiresAt: now + v.expiresInHours * 3_600_000,
    createdAt: now,
    createdBy: actor.email || actor.id,
    label: v.label,
    revokedAt: null,
    revokedBy: '',
    status: 'active',
  };
  await insert(TABLE, [row(link, hashToken(token), now)]);
  await audit({
    actor,
    action: 'share_link.created',
    target: { type: 'share_link', id: link.id },
    after: {
      asns: link.asns,
      from: link.from,
      to: link.to,
      expiresAt: new Date(link.expiresAt).toISOString(),
      label: link.label,
    },
  });
  return { link, token };
}

export async function listShareLinks(limit = 200, now = Date.now()): Promise<ShareLink[]> {
  return (await query(ShareLinksListSql, { limit })).map((r) => toLink(r, now));
}

export async function revokeShareLink(
  actor: AuditActor & { email?: string },
  id: string,
  now = Date.now(),
): Promise<ShareLink | null> {
  const [r] = await query(ShareLinkByIdSql, { id });
  if (!r) return null;
  if (r.revoked_at !== null) return toLink(r, now);
  const link = { ...toLink(r, now), revokedAt: now, revokedBy: actor.email || actor.id };
  await insert(TABLE, [row(link, r.token_hash, Math.max(now, r.version + 1))]);
  await audit({
    actor,
    action: 'share_link.revoked',
    target: { type: 'share_link', id },
    before: { status: toLink(r, now).status },
    after: { status: 'revoked' },
  });
  return toLink({ ...r, revoked_at: now, revoked_by: link.revokedBy }, now);
}

/** The link behind a token if it is usable now; null for an unknown, expired or revoked token. */
export async function resolveShareToken(token: string, now = Date.now()): Promise<ShareLink | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const [r] = await query(ShareLinkByHashSql, { hash: hashToken(token) });
  if (!r) return null;
  const link = toLink(r, now);
  return link.status === 'active' ? link : null;
}
