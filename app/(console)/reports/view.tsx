'use client';

import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from '@tremor/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import dynamic from 'next/dynamic';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { useCan } from '@/lib/auth/use-can';
import { REPORT_DOWNLOAD_FORMATS, reportUrl, utcDay } from '@/lib/reports/preview';
import type { AppRouter } from '@/server/api/root';
import { inputClass, secondaryButtonClass } from '@/components/ui/form';
import { useTRPC } from '../../_trpc/client';

/** Inferred from the router, so the page cannot drift from the server's share-link shape. */
type ShareLink = inferRouterOutputs<AppRouter>['reports']['shareLinks'][number];
import { DownloadButton } from './download-button';

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

// The preview's charts bring Recharts (about 110 KiB compressed): fetched once an ISP is picked, not on
// every visit to the page (issue #16 item 9).
const loadPreview = () => import('@/components/reports/report-preview').then((m) => m.ReportPreviewView);
const ReportPreviewView = dynamic(loadPreview, { loading: () => <LoadingState label="Computing the report…" /> });

/** Selection lives in the URL (asn repeated, start, end) so a report view can be shared with a colleague. */
function useSelection() {
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const key = sp.toString();
  const sel = useMemo(() => {
    const p = new URLSearchParams(key);
    const asns = [
      ...new Set(
        p
          .getAll('asn')
          .map(Number)
          .filter((n) => Number.isInteger(n) && n >= 0),
      ),
    ];
    const start = DAY_RE.test(p.get('start') ?? '') ? p.get('start')! : utcDay(-29);
    const end = DAY_RE.test(p.get('end') ?? '') ? p.get('end')! : utcDay(0);
    return { asns, start, end };
  }, [key]);
  const set = useCallback(
    (next: { asns?: number[]; start?: string; end?: string }) => {
      const p = new URLSearchParams(key);
      if (next.asns) {
        p.delete('asn');
        for (const a of next.asns) p.append('asn', String(a));
      }
      if (next.start) p.set('start', next.start);
      if (next.end) p.set('end', next.end);
      router.replace(`${pathname}?${p}`, { scroll: false });
    },
    [key, router, pathname],
  );
  return { ...sel, set };
}

function IspPicker({ selected, onChange }: { selected: number[]; onChange: (asns: number[]) => void }) {
  const trpc = useTRPC();
  const [q, setQ] = useState('');
  const search = useQuery(trpc.reports.isps.queryOptions({ q, limit: 20 }));
  const names = useQuery(trpc.reports.isps.queryOptions({ q: '', limit: 100 }));
  const nameOf = (asn: number) =>
    names.data?.find((r) => r.asn === asn)?.isp ?? search.data?.find((r) => r.asn === asn)?.isp ?? '';
  return (
    <div className="grid gap-2">
      <label
        className="text-tremor-default font-medium text-tremor-content-strong dark:text-dark-tremor-content-strong"
        htmlFor="isp-search"
      >
        ISPs
      </label>
      <div className="flex flex-wrap gap-2" data-testid="selected-isps">
        {selected.length === 0 && <Text>None selected yet: search by name or AS number.</Text>}
        {selected.map((a) => (
          <span
            key={a}
            className="inline-flex items-center gap-1 rounded-full bg-tremor-brand-muted px-2 py-0.5 text-xs text-tremor-brand-emphasis dark:bg-dark-tremor-brand-muted dark:text-dark-tremor-brand-emphasis"
          >
            {nameOf(a) || 'ISP'} AS{a}
            <button
              type="button"
              aria-label={`Remove AS${a}`}
              onClick={() => onChange(selected.filter((x) => x !== a))}
            >
              ×
            </button>
          </span>
        ))}
      </div>
      <input
        id="isp-search"
        className={`${inputClass} w-72`}
        placeholder="Search ISP name or ASN (e.g. Telekom, 3320)"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        data-testid="isp-search"
      />
      <div className="max-h-48 w-full max-w-xl overflow-y-auto rounded-tremor-small border border-tremor-border dark:border-dark-tremor-border">
        {search.isPending ? (
          <LoadingState height="h-12" />
        ) : search.isError ? (
          <ErrorState error={search.error} />
        ) : search.data.length === 0 ? (
          <p className="p-2 text-tremor-default text-tremor-content dark:text-dark-tremor-content">
            No ISP in the report storage matches.
          </p>
        ) : (
          search.data.map((r) => (
            <label
              key={r.asn}
              className="flex cursor-pointer items-center gap-2 px-2 py-1 text-tremor-default hover:bg-tremor-background-muted dark:hover:bg-dark-tremor-background-muted"
            >
              <input
                type="checkbox"
                checked={selected.includes(r.asn)}
                onChange={(e) =>
                  onChange(e.target.checked ? [...selected, r.asn] : selected.filter((x) => x !== r.asn))
                }
              />
              <span className="text-tremor-content-strong dark:text-dark-tremor-content-strong">
                {r.isp || 'Unknown ISP'}
              </span>
              <span className="text-tremor-content-subtle dark:text-dark-tremor-content-subtle">
                AS{r.asn} · last seen {r.last_day}
              </span>
            </label>
          ))
        )}
      </div>
    </div>
  );
}

function RecentDownloads() {
  const trpc = useTRPC();
  const q = useQuery(trpc.reports.recentDownloads.queryOptions({ limit: 20 }));
  return (
    <Card>
      <Title>Recent downloads</Title>
      {q.isPending ? (
        <LoadingState />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <EmptyState title="No downloads yet" />
      ) : (
        <Table className="mt-3" data-testid="recent-downloads">
          <TableHead>
            <TableRow>
              <TableHeaderCell>When (UTC)</TableHeaderCell>
              <TableHeaderCell>Who</TableHeaderCell>
              <TableHeaderCell>Format</TableHeaderCell>
              <TableHeaderCell>ISPs</TableHeaderCell>
              <TableHeaderCell>Period</TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {q.data.map((d, i) => (
              <TableRow key={`${d.at}-${i}`}>
                <TableCell>{d.at.slice(0, 19).replace('T', ' ')}</TableCell>
                <TableCell>{d.who}</TableCell>
                <TableCell>{d.format.toUpperCase()}</TableCell>
                <TableCell>{d.asns.map((a) => `AS${a}`).join(', ')}</TableCell>
                <TableCell>
                  {d.from} → {d.to}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}

function ShareLinks({ asns, start, end }: { asns: number[]; start: string; end: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.reports.shareLinks.queryOptions());
  const [hours, setHours] = useState(168);
  const [label, setLabel] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  // Links made or changed here show at once from the mutation's answer, ahead of the fetched list.
  const [local, setLocal] = useState<ShareLink[]>([]);
  const remember = (link: ShareLink) => {
    setLocal((l) => [link, ...l.filter((x) => x.id !== link.id)]);
    void qc.invalidateQueries({ queryKey: trpc.reports.shareLinks.queryKey() });
  };
  const create = useMutation(
    trpc.reports.createShareLink.mutationOptions({
      onSuccess: (r) => {
        setCreated(`${window.location.origin}/share/${r.token}`);
        remember(r.link);
      },
    }),
  );
  const revoke = useMutation(trpc.reports.revokeShareLink.mutationOptions({ onSuccess: (link) => remember(link) }));
  const links = list.data ? [...local, ...list.data.filter((l) => !local.some((x) => x.id === l.id))] : local;
  return (
    <Card>
      <Title>Share links</Title>
      <Text className="mt-1">
        A read-only link to this report and its downloads for someone without a console account, until it expires or you
        revoke it.
      </Text>
      <div className="mt-3 flex flex-wrap items-end gap-3">
        <label className="grid gap-1 text-tremor-default">
          Valid for
          <select
            className={inputClass}
            value={hours}
            onChange={(e) => setHours(Number(e.target.value))}
            data-testid="share-expiry"
          >
            <option value={24}>1 day</option>
            <option value={168}>7 days</option>
            <option value={720}>30 days</option>
            <option value={2160}>90 days</option>
          </select>
        </label>
        <label className="grid gap-1 text-tremor-default">
          Label (optional)
          <input
            className={`${inputClass} w-64`}
            value={label}
            maxLength={200}
            onChange={(e) => setLabel(e.target.value)}
            placeholder="e.g. Peering review with Telekom"
          />
        </label>
        <button
          type="button"
          className={secondaryButtonClass}
          disabled={asns.length === 0 || create.isPending}
          onClick={() => create.mutate({ asns, from: start, to: end, expiresInHours: hours, label })}
          data-testid="share-create"
        >
          Create link for {asns.length} ISP{asns.length === 1 ? '' : 's'}, {start} → {end}
        </button>
      </div>
      {create.isError && <ErrorState error={create.error} />}
      {created && (
        <div
          className="mt-3 rounded-tremor-small border border-emerald-300 bg-emerald-50 p-3 text-tremor-default dark:border-emerald-900 dark:bg-emerald-950"
          data-testid="share-created"
        >
          Copy this link now — it is shown once: <code className="break-all">{created}</code>
        </div>
      )}
      {list.isPending && links.length === 0 ? (
        <LoadingState />
      ) : list.isError ? (
        <ErrorState error={list.error} />
      ) : links.length === 0 ? (
        <Text className="mt-3">No share links yet.</Text>
      ) : (
        <Table className="mt-3" data-testid="share-links">
          <TableHead>
            <TableRow>
              <TableHeaderCell>Created</TableHeaderCell>
              <TableHeaderCell>By</TableHeaderCell>
              <TableHeaderCell>ISPs</TableHeaderCell>
              <TableHeaderCell>Period</TableHeaderCell>
              <TableHeaderCell>Expires</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
              <TableHeaderCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {links.map((l) => (
              <TableRow key={l.id}>
                <TableCell>{new Date(l.createdAt).toISOString().slice(0, 16).replace('T', ' ')}</TableCell>
                <TableCell>{l.createdBy}</TableCell>
                <TableCell>{l.asns.map((a) => `AS${a}`).join(', ')}</TableCell>
                <TableCell>
                  {l.from} → {l.to}
                  {l.label && <span className="block text-xs text-tremor-content-subtle">{l.label}</span>}
                </TableCell>
                <TableCell>{new Date(l.expiresAt).toISOString().slice(0, 16).replace('T', ' ')}</TableCell>
                <TableCell>{l.status}</TableCell>
                <TableCell>
                  {l.status === 'active' && (
                    <button
                      type="button"
                      className={secondaryButtonClass}
                      disabled={revoke.isPending}
                      onClick={() => revoke.mutate({ id: l.id })}
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

export function ReportsView() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { asns, start, end, set } = useSelection();
  const canShare = useCan('reports:share');
  const validRange = start <= end;
  const picked = asns.length > 0;
  useEffect(() => {
    if (picked) void loadPreview();
  }, [picked]);
  const preview = useQuery({
    ...trpc.reports.preview.queryOptions({ asns, from: start, to: end }),
    enabled: asns.length > 0 && validRange,
  });
  return (
    <div className="grid gap-6">
      <Card>
        <div className="grid gap-6 lg:grid-cols-[1fr_auto]">
          <IspPicker selected={asns} onChange={(a) => set({ asns: a })} />
          <div className="grid content-start gap-3">
            <label className="grid gap-1 text-tremor-default">
              From (UTC day)
              <input
                type="date"
                className={inputClass}
                value={start}
                max={end}
                onChange={(e) => e.target.value && set({ start: e.target.value })}
                data-testid="report-from"
              />
            </label>
            <label className="grid gap-1 text-tremor-default">
              To (UTC day, inclusive)
              <input
                type="date"
                className={inputClass}
                value={end}
                min={start}
                onChange={(e) => e.target.value && set({ end: e.target.value })}
                data-testid="report-to"
              />
            </label>
          </div>
        </div>
        <div className="mt-6 flex flex-wrap items-start gap-3" data-testid="downloads">
          {REPORT_DOWNLOAD_FORMATS.map((f) => (
            <DownloadButton
              key={f.format}
              label={f.label}
              href={reportUrl({ asns, from: start, to: end, format: f.format })}
              filenameHint={`isp-report.${f.format}`}
              disabled={asns.length === 0 || !validRange}
              onDone={() => void qc.invalidateQueries({ queryKey: trpc.reports.recentDownloads.queryKey() })}
            />
          ))}
        </div>
      </Card>
      {asns.length === 0 ? (
        <EmptyState title="Pick one or more ISPs">
          Search by ISP name or AS number above, then choose the days; the preview, charts and downloads follow.
        </EmptyState>
      ) : preview.isPending ? (
        <LoadingState label="Computing the report…" />
      ) : preview.isError ? (
        <ErrorState error={preview.error} onRetry={() => void preview.refetch()} />
      ) : (
        <ReportPreviewView preview={preview.data} />
      )}
      {canShare && <ShareLinks asns={asns} start={start} end={end} />}
      <RecentDownloads />
    </div>
  );
}
