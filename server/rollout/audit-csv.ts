import type { AuditRow } from '../clickhouse/queries/audit';

/**
 * CSV of audit rows. Cells starting with = + - @ tab or CR are prefixed with ' so a spreadsheet never
 * runs them as formulas (CSV injection); every cell is quoted (RFC 4180).
 */
export function safeCell(v: string): string {
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return `"${s.replace(/"/g, '""')}"`;
}

export const AUDIT_CSV_COLUMNS = [
  'ts',
  'actor_kind',
  'actor_id',
  'actor_email',
  'action',
  'target_type',
  'target_id',
  'reason',
  'before',
  'after',
  'details',
  'id',
] as const;

export function auditCsv(rows: readonly AuditRow[]): string {
  const lines = [AUDIT_CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(AUDIT_CSV_COLUMNS.map((c) => safeCell(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
