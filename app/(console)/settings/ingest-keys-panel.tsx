'use client';

import { Badge, Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from '@tremor/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { formatCount } from '@/lib/format';
import { useTRPC } from '../../_trpc/client';
import { buttonClass, formatDate, inputClass, linkButtonClass, MutationError, ShownOnce } from './ui';

/** Calls the ingestion area's `ingestKeys.*` procedures. */
export function IngestKeysPanel() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const keys = useQuery(trpc.ingestKeys.list.queryOptions());
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.ingestKeys.list.queryKey() });
  const [shown, setShown] = useState<string>();
  const create = useMutation(
    trpc.ingestKeys.create.mutationOptions({
      onSuccess: (r) => {
        setShown(r.key);
        void refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.ingestKeys.revoke.mutationOptions({ onSuccess: () => void refresh() }));

  function onCreate(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setShown(undefined);
    create.mutate({ name: String(f.get('name')), rateLimitPerSec: Number(f.get('rateLimitPerSec')), trustedRelay: f.get('trustedRelay') === 'on' });
  }

  return (
    <Card data-testid="ingest-keys-panel">
      <Title>Ingest keys</Title>
      <Text className="mt-1">One per client application; they identify the app and carry its rate limit. Only a hash is stored.</Text>
      <form onSubmit={onCreate} className="mt-4 flex flex-wrap items-end gap-2">
        <input name="name" required maxLength={100} placeholder="Application name" aria-label="Key name" className={inputClass} />
        <label className="flex items-center gap-1 text-tremor-default">
          <input name="rateLimitPerSec" type="number" min={1} max={10_000_000} defaultValue={1000} required aria-label="Rate limit (reports per second)" className={`${inputClass} w-28`} />
          reports/s
        </label>
        <label className="flex items-center gap-1 text-tremor-default">
          <input name="trustedRelay" type="checkbox" aria-label="Trusted relay" />
          trusted relay (may set the ASN)
        </label>
        <button type="submit" className={buttonClass} disabled={create.isPending}>
          Create key
        </button>
      </form>
      <MutationError error={create.error ?? revoke.error} />
      {shown && <ShownOnce label="New ingest key" value={shown} testId="new-ingest-key" />}
      {keys.isPending ? (
        <LoadingState />
      ) : keys.isError ? (
        <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
      ) : keys.data.length === 0 ? (
        <div className="mt-4">
          <EmptyState title="No ingest keys">Create one above for each player application.</EmptyState>
        </div>
      ) : (
        <Table className="mt-4">
          <TableHead>
            <TableRow>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>Key</TableHeaderCell>
              <TableHeaderCell className="text-right">Rate limit</TableHeaderCell>
              <TableHeaderCell>Trusted relay</TableHeaderCell>
              <TableHeaderCell>Created</TableHeaderCell>
              <TableHeaderCell>State</TableHeaderCell>
              <TableHeaderCell className="text-right">Actions</TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {keys.data.map((k) => (
              <TableRow key={k.id} data-testid={`ingest-key-row-${k.name}`}>
                <TableCell>{k.name}</TableCell>
                <TableCell>
                  <code>{k.prefix}…</code>
                </TableCell>
                <TableCell className="text-right">{formatCount(k.rateLimitPerSec)}/s</TableCell>
                <TableCell>{k.trustedRelay ? 'yes' : 'no'}</TableCell>
                <TableCell>
                  {formatDate(k.createdAt)}
                  {k.createdBy ? ` · ${k.createdBy}` : ''}
                </TableCell>
                <TableCell>
                  <Badge color={k.revokedAt ? 'gray' : 'emerald'}>{k.revokedAt ? 'revoked' : 'active'}</Badge>
                </TableCell>
                <TableCell className="text-right">
                  {!k.revokedAt && k.id !== 'bootstrap' && (
                    <button type="button" className={linkButtonClass} disabled={revoke.isPending} onClick={() => revoke.mutate({ id: k.id })}>
                      Revoke
                    </button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}
