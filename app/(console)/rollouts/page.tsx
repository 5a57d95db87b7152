import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/states';
import { can } from '@/lib/auth/permissions';
import { HydrateClient, prefetch, serverCaller, trpc } from '../../_trpc/server';
import { RolloutsView } from './view';

export const metadata: Metadata = { title: 'Rollouts' };
export const dynamic = 'force-dynamic';

export default async function RolloutsPage() {
  const me = await (await serverCaller()).auth.me();
  if (can(me?.role, 'rollouts:read')) {
    await Promise.all([
      prefetch(trpc.rollouts.list.queryOptions()),
      prefetch(trpc.rollouts.requests.queryOptions({ status: 'pending', limit: 100 })),
      prefetch(trpc.rolloutPlans.list.queryOptions({})),
    ]);
  }
  return (
    <HydrateClient>
      <PageHeader
        title="Rollouts"
        description="P2P per device class: guarded rollout plans, percentage rollouts, holdbacks, approvals and the kill switch."
      />
      <RolloutsView />
    </HydrateClient>
  );
}
