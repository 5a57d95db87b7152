'use client';

import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from '@tremor/react';
import { Badge } from '@/components/ui/badge';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { useTRPC } from '../../_trpc/client';
import { buttonClass, formatDate, inputClass, linkButtonClass, MutationError, ShownOnce } from '@/components/ui/form';

const STATE_COLOR = { active: 'emerald', expired: 'amber', revoked: 'gray' } as const;

export function ApiTokensPanel() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const tokens = useQuery(trpc.apiTokens.list.queryOptions());
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.apiTokens.list.queryKey() });
  const [shown, setShown] = useState<string>();
  const create = useMutation(
    trpc.apiTokens.create.mutationOptions({
      onSuccess: (r) => {
        setShown(r.token);
        void refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.apiTokens.revoke.mutationOptions({ onSuccess: () => void refresh() }));

  function onCreate(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const days = Number(f.get('expiresDays'));
    setShown(undefined);
    create.mutate({ name: String(f.get('name')), scope: 'reports', expiresDays: days > 0 ? days : null });
  }

  return (
    <Card data-testid="api-tokens-panel">
      <Title>API tokens</Title>
      <Text className="mt-1">
        For the reports API (<code>Authorization: Bearer …</code>). Scoped to reports; only a hash is stored.
      </Text>
      <form onSubmit={onCreate} className="mt-4 flex flex-wrap items-end gap-2">
        <input
          name="name"
          required
          maxLength={100}
          placeholder="Token name"
          aria-label="Token name"
          className={inputClass}
        />
        <label className="flex items-center gap-1 text-tremor-default">
          Expires in
          <input
            name="expiresDays"
            type="number"
            min={0}
            max={3650}
            defaultValue={90}
            aria-label="Expires in days (0 = never)"
            className={`${inputClass} w-20`}
          />
          days
        </label>
        <button type="submit" className={buttonClass} disabled={create.isPending}>
          Create token
        </button>
      </form>
      <MutationError error={create.error ?? revoke.error} />
      {shown && <ShownOnce label="New API token" value={shown} testId="new-api-token" />}
      {tokens.isPending ? (
        <LoadingState />
      ) : tokens.isError ? (
        <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : tokens.data.length === 0 ? (
        <div className="mt-4">
          <EmptyState title="No API tokens">
            Create one above, or with <code>npm run token:add -- --scope reports --name …</code>.
          </EmptyState>
        </div>
      ) : (
        <Table className="mt-4">
          <TableHead>
            <TableRow>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>Scope</TableHeaderCell>
              <TableHeaderCell>Token</TableHeaderCell>
              <TableHeaderCell>Created</TableHeaderCell>
              <TableHeaderCell>Expires</TableHeaderCell>
              <TableHeaderCell>State</TableHeaderCell>
              <TableHeaderCell className="text-right">Actions</TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {tokens.data.map((t) => (
              <TableRow key={t.id} data-testid={`api-token-row-${t.name}`}>
                <TableCell>{t.name}</TableCell>
                <TableCell>{t.scope}</TableCell>
                <TableCell>
                  <code>{t.prefix}…</code>
                </TableCell>
                <TableCell>
                  {formatDate(t.createdAt)} · {t.createdBy}
                </TableCell>
                <TableCell>{t.expiresAt ? formatDate(t.expiresAt) : 'never'}</TableCell>
                <TableCell>
                  <Badge color={STATE_COLOR[t.state]}>{t.state}</Badge>
                </TableCell>
                <TableCell className="text-right">
                  {t.state === 'active' && (
                    <button
                      type="button"
                      className={linkButtonClass}
                      disabled={revoke.isPending}
                      onClick={() => revoke.mutate({ id: t.id })}
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
    </Card>
  );
}
