import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/ui/states';
import { HydrateClient, prefetch, trpc } from '../../../_trpc/server';
import { dashboardInput, type PageSearchParams } from '../../overview/params';
import { IspDetailView } from './view';

export const metadata: Metadata = { title: 'ISP' };

export default async function IspDetailPage({
  params,
  searchParams,
}: {
  params: Promise<{ asn: string }>;
  searchParams: PageSearchParams;
}) {
  const { asn: raw } = await params;
  const asn = Number(raw);
  if (!/^\d{1,10}$/.test(raw) || asn > 4_294_967_295) notFound();
  const { input } = await dashboardInput(searchParams);
  await prefetch(trpc.dashboards.ispDetail.queryOptions({ ...input, asn }));
  return (
    <HydrateClient>
      <PageHeader title={`ISP AS${asn}`} description="Traffic balance, peak and partner ISPs for one ASN." />
      <IspDetailView asn={asn} />
    </HydrateClient>
  );
}
