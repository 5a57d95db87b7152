import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/states';
import { HydrateClient, prefetch, trpc } from '../../_trpc/server';
import { SystemView } from './view';

export const metadata: Metadata = { title: 'System' };

export default async function SystemPage() {
  // The layout refuses the page to roles without settings:manage (nav permission); the procedure checks again.
  // Awaited like every other page's prefetch: a query still pending when the server renders is streamed,
  // the server renders the panels' loading state, and a browser whose copy has the answer by hydration
  // renders the figures instead — a hydration mismatch (React error #418, seen on about one cold load in
  // three by bench:pages).
  await prefetch(trpc.store.system.queryOptions());
  return (
    <HydrateClient>
      <PageHeader
        title="System"
        description="How Swarmdeck itself is doing: ingestion, the writer, the store, migrations and backups."
      />
      <SystemView />
    </HydrateClient>
  );
}
