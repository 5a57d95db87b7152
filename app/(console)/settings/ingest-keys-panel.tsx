'use client';

import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from '@tremor/react';
import { Badge } from '@/components/ui/badge';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { formatCount } from '@/lib/format';
import { useTRPC } from '../../_trpc/client';
import { buttonClass, formatDate, inputClass, linkButtonClass, MutationError, ShownOnce } from '@/components/ui/form';

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
  const [editing, setEditing] = useState<string>();
  const setOrigins = useMutation(
    trpc.ingestKeys.setOrigins.mutationOptions({
      onSuccess: () => {
        setEditing(undefined);
        void refresh();
      },
    }),
  );

  function onCreate(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setShown(undefined);
    create.mutate({
      name: String(f.get('name')),
      rateLimitPerSec: Number(f.get('rateLimitPerSec')),
      trustedRelay: f.get('trustedRelay') === 'on',
      allowedOrigins: parseOrigins(String(f.get('allowedOrigins') ?? '')),
    });
  }

  function onSetOrigins(id: string, e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setOrigins.mutate({
      id,
      allowedOrigins: parseOrigins(String(new FormData(e.currentTarget).get('allowedOrigins') ?? '')),
    });
  }

  return (
    <Card data-testid="ingest-keys-panel">
      <Title>Ingest keys</Title>
      <Text className="mt-1">
        One per client application; they identify the app and carry its rate limit. Only a hash is stored.
      </Text>
      <form onSubmit={onCreate} className="mt-4 flex flex-wrap items-end gap-2">
        <input
          name="name"
          required
          maxLength={100}
          placeholder="Application name"
          aria-label="Key name"
          className={inputClass}
        />
        <label className="flex items-center gap-1 text-tremor-default">
          <input
            name="rateLimitPerSec"
            type="number"
            min={1}
            max={10_000_000}
            defaultValue={1000}
            required
            aria-label="Rate limit (reports per second)"
            className={`${inputClass} w-28`}
          />
          reports/s
        </label>
        <label className="flex items-center gap-1 text-tremor-default">
          <input name="trustedRelay" type="checkbox" aria-label="Trusted relay" />
          trusted relay (may set the ASN)
        </label>
        <label className="flex flex-col text-tremor-default">
          <span>Allowed browser origins (one per line, or * for any)</span>
          <textarea
            name="allowedOrigins"
            rows={2}
            defaultValue="*"
            aria-label="Allowed origins"
            aria-describedby="ingest-key-origins-help"
            placeholder="https://player.example.com"
            className={`${inputClass} w-72`}
          />
        </label>
        <button type="submit" className={buttonClass} disabled={create.isPending}>
          Create key
        </button>
      </form>
      <Text id="ingest-key-origins-help" className="mt-1">
        Web players post from their own origin: a request whose Origin the key does not list is refused (403). Devices
        and servers send no Origin and are not affected.
      </Text>
      <MutationError error={create.error ?? revoke.error ?? setOrigins.error} />
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
              <TableHeaderCell>Allowed origins</TableHeaderCell>
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
                <TableCell data-testid={`ingest-key-origins-${k.name}`}>
                  {editing === k.id ? (
                    <form onSubmit={(e) => onSetOrigins(k.id, e)} className="flex items-end gap-1">
                      <textarea
                        name="allowedOrigins"
                        rows={2}
                        defaultValue={k.allowedOrigins === '*' ? '*' : k.allowedOrigins.join('\n')}
                        aria-label={`Allowed origins of ${k.name}`}
                        className={`${inputClass} w-64`}
                      />
                      <button type="submit" className={linkButtonClass} disabled={setOrigins.isPending}>
                        Save
                      </button>
                      <button type="button" className={linkButtonClass} onClick={() => setEditing(undefined)}>
                        Cancel
                      </button>
                    </form>
                  ) : (
                    <span className="flex flex-wrap items-center gap-1">
                      {k.allowedOrigins === '*' ? 'any origin' : k.allowedOrigins.map((o) => <code key={o}>{o}</code>)}
                      {!k.revokedAt && (
                        <button
                          type="button"
                          className={linkButtonClass}
                          onClick={() => setEditing(k.id)}
                          aria-label={`Edit allowed origins of ${k.name}`}
                        >
                          Edit
                        </button>
                      )}
                    </span>
                  )}
                </TableCell>
                <TableCell>
                  {formatDate(k.createdAt)}
                  {k.createdBy ? ` · ${k.createdBy}` : ''}
                </TableCell>
                <TableCell>
                  <Badge color={k.revokedAt ? 'gray' : 'emerald'}>{k.revokedAt ? 'revoked' : 'active'}</Badge>
                </TableCell>
                <TableCell className="text-right">
                  {!k.revokedAt && k.id !== 'bootstrap' && (
                    <button
                      type="button"
                      className={linkButtonClass}
                      disabled={revoke.isPending}
                      onClick={() => revoke.mutate({ id: k.id })}
                    >
                      Revoke
                    </button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <ClientDrops />
    </Card>
  );
}

/** '*' (or an empty field) is any origin; otherwise one origin per line (commas and spaces also separate). */
function parseOrigins(text: string): '*' | string[] {
  const list = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length === 0 || list.includes('*') ? '*' : list;
}

/** What the SDK could not deliver and had to drop on devices, as the devices reported it. */
function ClientDrops() {
  const trpc = useTRPC();
  const drops = useQuery(trpc.ingestKeys.clientDrops.queryOptions({ days: 7 }));
  return (
    <section className="mt-6" data-testid="client-drops" aria-labelledby="client-drops-title">
      <h3
        id="client-drops-title"
        className="text-tremor-default font-medium text-tremor-content-strong dark:text-dark-tremor-content-strong"
      >
        Reports lost on devices (last 7 days)
      </h3>
      <Text>
        Reports a player kept longer than 24 h (never resent: the server could not tell them from duplicates) or pushed
        out of a full buffer.
      </Text>
      {drops.isPending ? (
        <LoadingState />
      ) : drops.isError ? (
        <ErrorState error={drops.error} onRetry={() => void drops.refetch()} />
      ) : drops.data.keys.length === 0 ? (
        <Text className="mt-2">No losses reported.</Text>
      ) : (
        <Table className="mt-2">
          <TableHead>
            <TableRow>
              <TableHeaderCell>Ingest key</TableHeaderCell>
              <TableHeaderCell className="text-right">Expired (reports)</TableHeaderCell>
              <TableHeaderCell className="text-right">Buffer full (reports)</TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {drops.data.keys.map((d) => (
              <TableRow key={d.keyId} data-testid={`client-drops-${d.keyId}`}>
                <TableCell>{d.name}</TableCell>
                <TableCell className="text-right">{formatCount(d.expired)}</TableCell>
                <TableCell className="text-right">{formatCount(d.overflow)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}
