import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/ui/states';

export const metadata: Metadata = { title: 'QoE' };

export default function Page() {
  return (
    <>
      <PageHeader title="QoE" description="Playback quality by cohort and device class" />
      <EmptyState title="Nothing here yet"> rebuffering, startup time, failures, bitrate.:QoE appears once clients report telemetry.</EmptyState>
    </>
  );
}
