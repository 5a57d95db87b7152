'use client';

import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text } from '@tremor/react';
import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { Pager } from '@/components/charts/list-controls';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { AUDIT_FILTER_KEYS, auditFiltersFromSearch, auditPageFromSearch } from '@/lib/rollout/audit-filters';
import { useTRPC } from '../../_trpc/client';

const input =
  'rounded-tremor-small border border-tremor-border bg-tremor-background px-2 py-1.5 text-tremor-default text-tremor-content-strong dark:border-dark-tremor-border dark:bg-dark-tremor-background dark:text-dark-tremor-content-strong';
const button =
  'rounded-tremor-small bg-tremor-brand px-3 py-1.5 text-tremor-default font-medium text-tremor-brand-inverted hover:bg-tremor-brand-emphasis dark:bg-dark-tremor-brand dark:text-dark-tremor-brand-inverted';
const link =
  'rounded-tremor-small border border-tremor-border px-3 py-1.5 text-tremor-default hover:bg-tremor-background-subtle dark:border-dark-tremor-border dark:hover:bg-dark-tremor-background-subtle';

const LABELS: Record<(typeof AUDIT_FILTER_KEYS)[number], string> = {
  action: 'Action (prefix, e.g. rollout.)',
  actor: 'Actor (email or id)',
  targetType: 'Target type',
  targetId: 'Target id',
  from: 'From',
  to: 'To',
};

function short(json: string): string {
  if (!json) return '';
  return json.length > 120 ? `${json.slice(0, 120)}…` : json;
}

export function AuditView() {
  const trpc = useTRPC();
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const key = sp.toString();
  const filters = auditFiltersFromSearch(new URLSearchParams(key));
  const page = auditPageFromSearch(new URLSearchParams(key));
  // The export is the whole filtered range, whatever page is shown.
  const exportQuery = (() => {
    const q = new URLSearchParams(key);
    q.delete('page');
    return q.toString();
  })();
  const rows = useQuery({
    ...trpc.audit.list.queryOptions({ ...filters, ...page }),
    // Another page keeps the old rows on screen until the new ones arrive.
    placeholderData: (prev) => prev,
  });
  const [open, setOpen] = useState<string | null>(null);

  function apply(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    for (const k of AUDIT_FILTER_KEYS) {
      const v = String(f.get(k) ?? '').trim();
      if (v) next.set(k, v);
    }
    router.push(next.size ? `${pathname}?${next}` : pathname, { scroll: false });
  }

  function setPage(n: number) {
    const next = new URLSearchParams(key);
    if (n > 1) next.set('page', String(n));
    else next.delete('page');
    router.push(next.size ? `${pathname}?${next}` : pathname, { scroll: false });
  }

  return (
    <div className="grid gap-4">
      <Card>
        <form
          key={key}
          onSubmit={apply}
          className="grid gap-3 sm:grid-cols-3 lg:grid-cols-6"
          data-testid="audit-filters"
        >
          {AUDIT_FILTER_KEYS.map((k) => (
            <label key={k} className="grid gap-1 text-tremor-label">
              <span className="text-tremor-content dark:text-dark-tremor-content">{LABELS[k]}</span>
              <input
                name={k}
                type={k === 'from' || k === 'to' ? 'datetime-local' : 'text'}
                defaultValue={sp.get(k) ?? ''}
                className={input}
              />
            </label>
          ))}
          <div className="flex items-end gap-2 sm:col-span-3 lg:col-span-6">
            <button type="submit" className={button}>
              Filter
            </button>
            <a
              className={link}
              href={`/audit/export${exportQuery ? `?${exportQuery}` : ''}`}
              data-testid="audit-export"
              download
            >
              Export CSV
            </a>
          </div>
        </form>
      </Card>
      <Card>
        {rows.isPending ? (
          <LoadingState />
        ) : rows.isError ? (
          <ErrorState error={rows.error} onRetry={() => void rows.refetch()} />
        ) : rows.data.rows.length === 0 && rows.data.total === 0 ? (
          <EmptyState title="No audit entries match">
            Change the filters, or wait for someone to sign in or change something.
          </EmptyState>
        ) : (
          <>
            <Text>
              {rows.data.total === 1 ? '1 entry' : `${rows.data.total} entries`}, newest first
              {rows.data.rows.length === 0 ? ' — this page is past the end of the list.' : ''}
            </Text>
            <Table className="mt-2" data-testid="audit-table">
              <TableHead>
                <TableRow>
                  <TableHeaderCell>When (UTC)</TableHeaderCell>
                  <TableHeaderCell>Who</TableHeaderCell>
                  <TableHeaderCell>Action</TableHeaderCell>
                  <TableHeaderCell>Target</TableHeaderCell>
                  <TableHeaderCell>Reason</TableHeaderCell>
                  <TableHeaderCell>Before → after</TableHeaderCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {rows.data.rows.map((r) => (
                  <TableRow key={r.id} data-testid="audit-row">
                    <TableCell className="whitespace-nowrap">{r.ts.slice(0, 19).replace('T', ' ')}</TableCell>
                    <TableCell>{r.actor_email || `${r.actor_kind}:${r.actor_id}`}</TableCell>
                    <TableCell>{r.action}</TableCell>
                    <TableCell>{r.target_type ? `${r.target_type}:${r.target_id}` : ''}</TableCell>
                    <TableCell className="max-w-xs whitespace-normal">{r.reason}</TableCell>
                    <TableCell className="max-w-md whitespace-normal font-mono text-xs">
                      {r.before || r.after ? (
                        <button
                          type="button"
                          className="text-left"
                          onClick={() => setOpen(open === r.id ? null : r.id)}
                        >
                          {open === r.id ? (
                            <>
                              <div>before: {r.before || '—'}</div>
                              <div>after: {r.after || '—'}</div>
                              {r.details && <div>details: {r.details}</div>}
                            </>
                          ) : (
                            `${short(r.before) || '—'} → ${short(r.after) || '—'}`
                          )}
                        </button>
                      ) : (
                        short(r.details)
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Pager
              offset={rows.data.offset}
              limit={rows.data.limit}
              total={rows.data.total}
              shown={rows.data.rows.length}
              onPage={setPage}
              testId="audit-pager"
            />
          </>
        )}
      </Card>
    </div>
  );
}
