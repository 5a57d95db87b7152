import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/ui/states';

export const metadata: Metadata = { title: 'Audit' };

export default function Page() {
  return (
    <>
      <PageHeader title="Audit" description="Every change, approval, kill and sign-in, with who, when and why." />
      <EmptyState title="Nothing here yet">The audit log fills as people sign in and change things.</EmptyState>
    </>
  );
}
