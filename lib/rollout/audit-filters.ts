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

export const AUDIT_PAGE_SIZE = 50;

/** The Audit page's page (`page`, 1-based in the URL) as the list's offset and size. */
export function auditPageFromSearch(sp: URLSearchParams): { offset: number; limit: number } {
  const page = Number(sp.get('page'));
  const index = Number.isInteger(page) && page >= 1 && page <= 100_000 ? page - 1 : 0;
  return { offset: index * AUDIT_PAGE_SIZE, limit: AUDIT_PAGE_SIZE };
}
