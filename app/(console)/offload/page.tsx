import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/states';
import { BREAKDOWN_SORT_KEYS, LIST_Q_MAX, listFromSearchParams } from '@/lib/filters';
import { HydrateClient, prefetch, trpc } from '../../_trpc/server';
import { dashboardInput, type PageSearchParams } from '../overview/params';
import { dimensionFromSearchParams } from './dimension';
import { OffloadView } from './view';

export const metadata: Metadata = { title: 'Offload' };

export default async function OffloadPage({ searchParams }: { searchParams: PageSearchParams }) {
  const { sp, input } = await dashboardInput(searchParams);
  const list = listFromSearchParams(sp, BREAKDOWN_SORT_KEYS, 'total');
  await Promise.all([
    prefetch(trpc.dashboards.offload.queryOptions(input)),
    prefetch(
      trpc.dashboards.breakdown.queryOptions({
        ...input,
        dimension: dimensionFromSearchParams(sp),
        ...list,
        q: list.q.slice(0, LIST_Q_MAX),
      }),
    ),
  ]);
  return (
    <HydrateClient>
      <PageHeader
        title="Offload"
        description="Offload ratio and bytes by source over time, broken down by every dimension."
      />
      <OffloadView />
    </HydrateClient>
  );
}
