import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/ui/states';

export const metadata: Metadata = { title: 'ISPs' };

export default function Page() {
  return (
    <>
      <PageHeader title="ISPs" description="Per-ISP traffic balance" />
      <EmptyState title="Nothing here yet"> CDN delivery, intra-ISP and cross-ISP peer traffic.:Per-ISP balance appears once clients report telemetry.</EmptyState>
    </>
  );
}
