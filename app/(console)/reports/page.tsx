import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/states';
import { HydrateClient, prefetch, trpc } from '../../_trpc/server';
import { ReportsView } from './view';

export const metadata: Metadata = { title: 'Reports' };
export const dynamic = 'force-dynamic';

export default async function Page() {
  await prefetch(trpc.reports.recentDownloads.queryOptions({ limit: 20 }));
  return (
    <>
      <PageHeader
        title="Reports"
        description="Per-ISP partnership reports as CSV, spreadsheet, PDF and JSON, and expiring share links for people without a console account."
      />
      <HydrateClient>
        <ReportsView />
      </HydrateClient>
    </>
  );
}
