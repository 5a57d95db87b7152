import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/states';
import { listFromSearchParams, SWARM_SORT_KEYS } from '@/lib/filter-params';
import { HydrateClient, prefetch, trpc } from '../../_trpc/server';
import { dashboardInput, type PageSearchParams } from '../overview/params';
import { SwarmsView } from './view';

export const metadata: Metadata = { title: 'Swarms' };

export default async function SwarmsPage({ searchParams }: { searchParams: PageSearchParams }) {
  const { sp, input } = await dashboardInput(searchParams);
  await Promise.all([
    prefetch(trpc.dashboards.swarms.queryOptions({ ...input, ...listFromSearchParams(sp, SWARM_SORT_KEYS, 'peers') })),
    prefetch(trpc.dashboards.swarmSize.queryOptions(input)),
    prefetch(trpc.dashboards.sizeCurve.queryOptions(input)),
  ]);
  return (
    <HydrateClient>
      <PageHeader
        title="Swarms"
        description="Swarm health: peers, connection success, offload and upload balance per swarm."
      />
      <SwarmsView />
    </HydrateClient>
  );
}
