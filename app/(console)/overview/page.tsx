import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/states';
import { HydrateClient, prefetch, trpc } from '../../_trpc/server';
import { costFromSearchParams, dashboardInput, type PageSearchParams } from './params';
import { OverviewView } from './view';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage({ searchParams }: { searchParams: PageSearchParams }) {
  const { sp, input } = await dashboardInput(searchParams);
  await Promise.all([
    prefetch(trpc.dashboards.overview.queryOptions({ ...input, costPerGb: costFromSearchParams(sp) })),
    prefetch(trpc.dashboards.movers.queryOptions(input)),
  ]);
  return (
    <HydrateClient>
      <PageHeader title="Overview" description="How much peers are saving, right now and over the selected range." />
      <OverviewView />
    </HydrateClient>
  );
}
