import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/states';
import { HydrateClient, prefetch, trpc } from '../../_trpc/server';
import { dashboardInput, type PageSearchParams } from '../overview/params';
import { IspsView } from './view';

export const metadata: Metadata = { title: 'ISPs' };

export default async function IspsPage({ searchParams }: { searchParams: PageSearchParams }) {
  const { input } = await dashboardInput(searchParams);
  await Promise.all([
    prefetch(trpc.dashboards.isps.queryOptions(input)),
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
