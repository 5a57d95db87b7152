import { z } from 'zod';

/** The audit log (append-only): the filtered list the Audit page and its CSV export read. */

export interface AuditListFilter {
  from?: Date;
  to?: Date;
  action?: string;
  actionPrefix?: string;
  actor?: string;
  targetType?: string;
  targetId?: string;
  limit: number;
  /** Rows skipped before the first returned (a page of the Audit page); 0 when absent. */
  offset?: number;
}

/** Each filter adds one condition on a bound parameter; absent filters add nothing. */
const CONDITIONS: [keyof AuditListFilter, string][] = [
  ['from', 'audit_log.ts >= fromUnixTimestamp64Milli({from:Int64})'],
  ['to', 'audit_log.ts < fromUnixTimestamp64Milli({to:Int64})'],
  ['action', 'action = {action:String}'],
  ['actionPrefix', 'startsWith(action, {actionPrefix:String})'],
  ['actor', '(actor_email = {actor:String} OR actor_id = {actor:String})'],
  ['targetType', 'target_type = {targetType:String}'],
  ['targetId', 'target_id = {targetId:String}'],
];

export const AuditRow = z.object({
  id: z.string(),
  ts: z.string(),
  actor_kind: z.string(),
  actor_id: z.string(),
  actor_email: z.string(),
  action: z.string(),
  target_type: z.string(),
  target_id: z.string(),
  before: z.string(),
  after: z.string(),
  reason: z.string(),
  details: z.string(),
});
export type AuditRow = z.infer<typeof AuditRow>;

function auditWhere(f: AuditListFilter): string {
  const where = CONDITIONS.filter(([k]) => f[k] !== undefined && f[k] !== '').map(([, c]) => c);
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

/** Newest first, ties by id, so consecutive pages (`{offset}`) partition the filtered log. */
export function auditListSql(f: AuditListFilter): string {
  return `SELECT toString(id) AS id, formatDateTime(ts, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS ts, actor_kind, actor_id, actor_email, action,
            target_type, target_id, before, after, reason, details
     FROM audit_log ${auditWhere(f)}
     ORDER BY audit_log.ts DESC, id DESC
     LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}

export const AuditCountRow = z.object({ n: z.coerce.number() });

/** How many entries the filters match (the Audit page's total); takes auditFilterParams. */
export function auditCountSql(f: AuditListFilter): string {
  return `SELECT count() AS n FROM audit_log ${auditWhere(f)}`;
}

/** The bound values of the filters present. */
export function auditFilterParams(f: AuditListFilter): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [k] of CONDITIONS) {
    const v = f[k];
    if (v === undefined || v === '') continue;
    params[k] = v instanceof Date ? v.getTime() : v;
  }
  return params;
}

export function auditListParams(f: AuditListFilter): Record<string, unknown> {
  return { ...auditFilterParams(f), limit: f.limit, offset: f.offset ?? 0 };
}
