'use client';

import { Card, Text, Title } from '@tremor/react';
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
    </div>
  );
}
