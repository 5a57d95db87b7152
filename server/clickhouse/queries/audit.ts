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

export function auditListSql(f: AuditListFilter): string {
  const where = CONDITIONS.filter(([k]) => f[k] !== undefined && f[k] !== '').map(([, c]) => c);
  return `SELECT toString(id) AS id, formatDateTime(ts, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS ts, actor_kind, actor_id, actor_email, action,
            target_type, target_id, before, after, reason, details
     FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY audit_log.ts DESC, id DESC
     LIMIT {limit:UInt32}`;
}

export function auditListParams(f: AuditListFilter): Record<string, unknown> {
  const params: Record<string, unknown> = { limit: f.limit };
  for (const [k] of CONDITIONS) {
    const v = f[k];
    if (v === undefined || v === '') continue;
    params[k] = v instanceof Date ? v.getTime() : v;
  }
  return params;
}
