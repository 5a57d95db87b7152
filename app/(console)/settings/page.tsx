import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/states';
import { can } from '@/lib/auth/permissions';
import { HydrateClient, prefetch, serverCaller, trpc } from '../../_trpc/server';
import { SettingsView } from './view';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const me = await (await serverCaller()).auth.me();
  const role = me?.role ?? null;
  // Prefetch only what the role may read; the server refuses the rest anyway.
  await Promise.all([
    can(role, 'users:manage') ? prefetch(trpc.users.list.queryOptions()) : null,
    can(role, 'ingest-keys:manage') ? prefetch(trpc.ingestKeys.list.queryOptions()) : null,
    can(role, 'api-tokens:manage') ? prefetch(trpc.apiTokens.list.queryOptions()) : null,
  ]);
  return (
    <HydrateClient>
      <PageHeader title="Settings" description="Users, ingest keys and API tokens." />
      <SettingsView />
    </HydrateClient>
  );
}
