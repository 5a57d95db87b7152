/** The audit page's filters, read from the URL (shared by the page and its CSV export). */
export interface AuditFilters {
  actionPrefix?: string;
  actor?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  to?: string;
}

export const AUDIT_FILTER_KEYS = ['action', 'actor', 'targetType', 'targetId', 'from', 'to'] as const;

function isoOrUndefined(v: string | null): string | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function auditFiltersFromSearch(sp: URLSearchParams): AuditFilters {
  const s = (k: string) => sp.get(k)?.trim().slice(0, 200) || undefined;
  return {
    actionPrefix: s('action'),
    actor: s('actor'),
    targetType: s('targetType'),
    targetId: s('targetId'),
    from: isoOrUndefined(sp.get('from')),
    to: isoOrUndefined(sp.get('to')),
  };
}
