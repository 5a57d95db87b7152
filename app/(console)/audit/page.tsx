import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/states';
import { can } from '@/lib/auth/permissions';
import { auditFiltersFromSearch, auditPageFromSearch } from '@/lib/rollout/audit-filters';
import { HydrateClient, prefetch, serverCaller, trpc } from '../../_trpc/server';
import { AuditView } from './view';

export const metadata: Metadata = { title: 'Audit' };
export const dynamic = 'force-dynamic';

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const raw = await searchParams;
  const sp = new URLSearchParams(Object.entries(raw).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])));
  const me = await (await serverCaller()).auth.me();
  if (can(me?.role, 'audit:read'))
    await prefetch(trpc.audit.list.queryOptions({ ...auditFiltersFromSearch(sp), ...auditPageFromSearch(sp) }));
  return (
    <HydrateClient>
      <PageHeader
        title="Audit"
        description="Every change, approval, kill, sign-in and automatic action, with who, when, before/after and why."
      />
      <AuditView />
    </HydrateClient>
  );
}
