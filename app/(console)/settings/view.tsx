'use client';

import { Card, Text, Title } from '@tremor/react';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useTRPC } from '../../_trpc/client';
import { linkButtonClass, MutationError } from '@/components/ui/form';
import { useCan, useRole } from '@/lib/auth/use-can';
import { ApiTokensPanel } from './api-tokens-panel';
import { IngestKeysPanel } from './ingest-keys-panel';
import { UsersPanel } from './users-panel';

export function SettingsView() {
  const role = useRole();
  const users = useCan('users:manage');
  const ingestKeys = useCan('ingest-keys:manage');
  const apiTokens = useCan('api-tokens:manage');
  return (
    <div className="grid gap-6">
      {users && <UsersPanel />}
      {ingestKeys && <IngestKeysPanel />}
      {apiTokens && <ApiTokensPanel />}
      {!users && !ingestKeys && !apiTokens && (
        <Card data-testid="settings-readonly">
          <Title>Your access</Title>
          <Text className="mt-1">
            You are signed in as <strong>{role}</strong>. Users, ingest keys and API tokens are managed by admins.
          </Text>
        </Card>
      )}
      <SessionsCard />
    </div>
  );
}

function SessionsCard() {
  const trpc = useTRPC();
  const router = useRouter();
  const end = useMutation(trpc.auth.signOutEverywhere.mutationOptions({ onSuccess: () => router.replace('/sign-in') }));
  return (
    <Card data-testid="sessions-card">
      <Title>Sessions</Title>
      <Text className="mt-1">
        Sessions last 12 hours. Lost a device? End every session you have, this one included.
      </Text>
      <button
        type="button"
        className={`${linkButtonClass} mt-3`}
        disabled={end.isPending}
        onClick={() => end.mutate()}
        data-testid="sign-out-everywhere"
      >
        Sign out everywhere
      </button>
      <MutationError error={end.error} />
    </Card>
  );
}
