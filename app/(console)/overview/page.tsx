import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/states';
import { HydrateClient, prefetch, trpc } from '../../_trpc/server';
import { OverviewView } from './view';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  await prefetch(trpc.store.status.queryOptions());
  return (
    <HydrateClient>
      <PageHeader title="Overview" description="How much peers are saving, right now and over the selected range." />
      <OverviewView />
    </HydrateClient>
  );
}
