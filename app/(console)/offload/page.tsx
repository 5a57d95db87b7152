import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/ui/states';

export const metadata: Metadata = { title: 'Offload' };

export default function Page() {
  return (
    <>
      <PageHeader title="Offload" description="Offload ratio and bytes by source over time, broken down by every dimension." />
      <EmptyState title="Nothing here yet">Offload charts appear once clients report telemetry.</EmptyState>
    </>
  );
}
