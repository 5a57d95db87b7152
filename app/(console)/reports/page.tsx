import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/ui/states';

export const metadata: Metadata = { title: 'Reports' };

export default function Page() {
  return (
    <>
      <PageHeader title="Reports" description="Per-ISP partnership reports as CSV, spreadsheet and PDF, and expiring share links." />
      <EmptyState title="Nothing here yet">Reports arrive with the partnership reports.</EmptyState>
    </>
  );
}
