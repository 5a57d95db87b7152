import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/ui/states';

export const metadata: Metadata = { title: 'Settings' };

export default function Page() {
  return (
    <>
      <PageHeader title="Settings" description="Users, ingest keys, API tokens and device-class capabilities." />
      <EmptyState title="Nothing here yet">Settings arrive with sign-in and roles.</EmptyState>
    </>
  );
}
