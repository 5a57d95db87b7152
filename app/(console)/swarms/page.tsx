import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/ui/states';

export const metadata: Metadata = { title: 'Swarms' };

export default function Page() {
  return (
    <>
      <PageHeader title="Swarms" description="Per-swarm health" />
      <EmptyState title="Nothing here yet"> active and uploading peers, connection success and how offload grows with swarm size.:Swarm health appears once clients report telemetry.</EmptyState>
    </>
  );
}
