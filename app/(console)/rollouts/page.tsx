import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/ui/states';

export const metadata: Metadata = { title: 'Rollouts' };

export default function Page() {
  return (
    <>
      <PageHeader title="Rollouts" description="P2P per device class" />
      <EmptyState title="Nothing here yet"> percentage rollouts, holdbacks, approvals and the kill switch.:Rollout rules arrive with the rollout controls.</EmptyState>
    </>
  );
}
