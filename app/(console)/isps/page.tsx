import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/states';
import { ISP_SORT_KEYS, LIST_Q_MAX, listFromSearchParams } from '@/lib/filters';
import { HydrateClient, prefetch, trpc } from '../../_trpc/server';
import { dashboardInput, type PageSearchParams } from '../overview/params';
import { IspsView } from './view';

export const metadata: Metadata = { title: 'ISPs' };

export default async function IspsPage({ searchParams }: { searchParams: PageSearchParams }) {
  const { sp, input } = await dashboardInput(searchParams);
  const list = listFromSearchParams(sp, ISP_SORT_KEYS, 'cdn');
  await Promise.all([
    prefetch(trpc.dashboards.isps.queryOptions({ ...input, ...list, q: list.q.slice(0, LIST_Q_MAX) })),
    prefetch(trpc.dashboards.ispSeries.queryOptions(input)),
    prefetch(trpc.dashboards.ispFlows.queryOptions({ ...input, top: 10 })),
  ]);
  return (
    <HydrateClient>
      <PageHeader
        title="ISPs"
        description="Per-ISP traffic balance: CDN delivery, P2P within and across ISPs, and the 95th-percentile peak."
      />
      <IspsView />
    </HydrateClient>
  );
}
