import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  AuditCountRow,
  auditCountSql,
  auditFilterParams,
  auditListParams,
  auditListSql,
  AuditRow,
} from '../clickhouse/queries/audit';
import { insert, query } from '../clickhouse/client';

/** Who did something: a console user, the system itself (guardrails, expiry), an API token or a share link. */
export const AuditActor = z.object({
  kind: z.enum(['user', 'system', 'token', 'share', 'anonymous']),
  id: z.string(),
  email: z.string().default(''),
});
export type AuditActor = z.input<typeof AuditActor>;

export interface AuditEntry {
  actor: AuditActor;
  /** Dotted verb, e.g. `auth.sign_in`, `auth.sign_in_failed`, `user.role_changed`, `rollout.change_applied`. */
  action: string;
  target?: { type: string; id: string };
  before?: unknown;
  after?: unknown;
  reason?: string;
  details?: Record<string, unknown>;
}

function json(v: unknown): string {
  return v === undefined ? '' : JSON.stringify(v);
}

/** Append one row. Never pass secrets, tokens, passwords or client IPs in any field. */
export async function audit(entry: AuditEntry): Promise<string> {
  const actor = AuditActor.parse(entry.actor);
  const id = randomUUID();
  await insert('audit_log', [
    {
      id,
      ts: Date.now(),
      actor_kind: actor.kind,
      actor_id: actor.id,
      actor_email: actor.email,
      action: entry.action,
      target_type: entry.target?.type ?? '',
      target_id: entry.target?.id ?? '',
      before: json(entry.before),
      after: json(entry.after),
      reason: entry.reason ?? '',
      details: json(entry.details),
    },
  ]);
  return id;
}

export const AuditFilter = z.object({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  action: z.string().max(100).optional(),
  actionPrefix: z.string().max(100).optional(),
  actor: z.string().max(200).optional(),
  targetType: z.string().max(100).optional(),
  targetId: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(10_000).default(200),
});
export type AuditFilter = z.input<typeof AuditFilter>;

/** Newest first; every value a bound parameter. */
export async function listAudit(input: AuditFilter = {}): Promise<AuditRow[]> {
  const f = AuditFilter.parse(input);
  return query(auditListSql(f), auditListParams(f), AuditRow);
}

/** One page of the Audit page: the filters, where the page starts and its size (at most 200). */
export const AuditPageInput = AuditFilter.omit({ limit: true }).extend({
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(200).default(50),
});
export type AuditPageInput = z.input<typeof AuditPageInput>;

/** A page of the filtered log, newest first, with how many entries the filters match. */
export async function pageAudit(input: AuditPageInput = {}) {
  const f = AuditPageInput.parse(input);
  const [rows, count] = await Promise.all([
    query(auditListSql(f), auditListParams(f), AuditRow),
    query(auditCountSql(f), auditFilterParams(f), AuditCountRow),
  ]);
  return { offset: f.offset, limit: f.limit, total: count[0]?.n ?? 0, rows };
}
