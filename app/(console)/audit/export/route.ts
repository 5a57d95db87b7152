import { can } from '@/lib/auth/permissions';
import { auditFiltersFromSearch } from '@/lib/rollout/audit-filters';
import { audit, listAudit } from '@/server/audit/log';
import { sessionFromHeaders } from '@/server/auth/session';
import { auditCsv } from '@/server/rollout/audit-csv';

export const dynamic = 'force-dynamic';

/** GET /audit/export?action=&actor=&targetType=&targetId=&from=&to= — the filtered audit log as CSV. */
export async function GET(req: Request) {
  const user = await sessionFromHeaders(req.headers);
  if (!user) return new Response('Sign in to continue.', { status: 401 });
  if (!can(user.role, 'audit:read')) return new Response('Your role lacks the permission audit:read.', { status: 403 });
  const f = auditFiltersFromSearch(new URL(req.url).searchParams);
  const rows = await listAudit({ ...f, limit: 10_000 });
  await audit({
    actor: { kind: 'user', id: user.id, email: user.email },
    action: 'audit.exported',
    details: { rows: rows.length, filters: f },
  });
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return new Response(auditCsv(rows), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="swarmdeck-audit-${stamp}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
