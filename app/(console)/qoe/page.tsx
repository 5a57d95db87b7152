import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/states';
import { HydrateClient, prefetch, trpc } from '../../_trpc/server';
import { dashboardInput, type PageSearchParams } from '../overview/params';
import { qoeSourceFromSearchParams } from '@/lib/qoe-source';
import { QoeView } from './view';

export const metadata: Metadata = { title: 'QoE' };

export default async function QoePage({ searchParams }: { searchParams: PageSearchParams }) {
  const { sp, input } = await dashboardInput(searchParams);
  await prefetch(trpc.dashboards.qoe.queryOptions({ ...input, source: qoeSourceFromSearchParams(sp) }));
  return (
    <HydrateClient>
      <PageHeader
        title="QoE"
        description="Is playback as smooth with P2P as on the CDN alone? Rebuffering, startup, failures and bitrate by cohort and device class."
      />
      <QoeView />
    </HydrateClient>
  );
}
