'use client';

import { BarChart, Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text } from '@tremor/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Panel, statusOf } from '@/components/charts/panel';
import { TimeSeriesChart } from '@/components/charts/time-series';
import { COLORS } from '@/components/charts/theme';
import { buttonClass } from '@/components/ui/form';
import { formatBytes, formatCount, formatMs } from '@/lib/format';
import { useTRPC } from '../../_trpc/client';

const REFRESH_MS = 10_000;

function rate(perSec: number): string {
  return perSec >= 10 ? `${formatCount(perSec)} reports/s` : `${perSec.toFixed(2)} reports/s`;
}

function ago(ms: number | null, now: number): string {
  if (ms === null) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  const when = new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  if (s < 120) return `${s} s ago (${when})`;
  if (s < 7200) return `${Math.round(s / 60)} min ago (${when})`;
  return `${(s / 3600).toFixed(1)} h ago (${when})`;
}

function duration(sec: number): string {
  const d = Math.floor(sec / 86_400);
  const h = Math.floor((sec % 86_400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min ${sec % 60} s`;
}

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <Text>{label}</Text>
      <p
        data-testid={testId}
        data-figure
        className="text-lg font-semibold text-tremor-content-strong dark:text-dark-tremor-content-strong"
      >
        {keepUnits(value)}
      </p>
    </div>
  );
}

/** A long figure may wrap, but never between a number and its unit: each pair is kept on one line. */
function keepUnits(s: string): React.ReactNode[] {
  return s.split(/(\d[\d.,]* [^\s\d(]+)/).map((part, i) =>
    i % 2 ? (
      <span key={i} className="whitespace-nowrap">
        {part}
      </span>
    ) : (
      part
    ),
  );
}

export function SystemView() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery({ ...trpc.store.system.queryOptions(), refetchInterval: REFRESH_MS });
  const backup = useMutation(
    trpc.store.backupNow.mutationOptions({
      onSettled: () => qc.invalidateQueries({ queryKey: trpc.store.system.queryKey() }),
    }),
  );
  const d = q.data;
  const status = statusOf(q);
  // The answer's own time, not when this copy of the query got it (the server's render and the browser's
  // hydration get the streamed answer at different moments: "117 s ago" against "118 s ago").
  const now = d?.generatedAt ?? 0;

  return (
    <div className="grid gap-6">
      <Panel
        title="Ingestion"
        subtitle="Reports stored per minute, last hour (UTC); the current minute is still filling."
        status={status}
        testId="system-ingestion"
      >
        {d && (
          <>
            <div className="mb-4 grid grid-cols-1 gap-4 sm:grid-cols-3">
              <Figure label="Now (last full minute)" value={rate(d.ingestion.ratePerSec)} testId="ingest-rate-now" />
              <Figure
                label="Last hour (average)"
                value={`${rate(d.ingestion.hourRatePerSec)} · ${formatCount(d.ingestion.hourTotal)} reports`}
                testId="ingest-rate-hour"
              />
              <Figure
                label="Last report received"
                value={ago(d.ingestion.lastReportAt, now)}
                testId="ingest-last-report"
              />
            </div>
            <TimeSeriesChart
              data={d.ingestion.minutes.map((m) => ({ t: m.minute, reports: m.reports }))}
              categories={['reports']}
              colors={[COLORS.offload]}
              unit="count"
              stepSeconds={60}
              chart={BarChart}
              height="h-48"
              testId="ingest-minutes"
            />
          </>
        )}
      </Panel>

      <div className="grid gap-6 lg:grid-cols-2">
        <Panel
          title="Writer and store"
          subtitle="Since this process started; the probe is a SELECT 1 on the console's connection."
          status={status}
          testId="system-store"
        >
          {d && (
            <div className="grid grid-cols-2 gap-4">
              <Figure label="Writer queue" value={`${formatCount(d.writer.queueRows)} reports`} testId="writer-queue" />
              <Figure label="Writer batches" value={formatCount(d.writer.batches)} />
              <Figure
                label="Insert, mean / p95 ≤"
                value={`${formatMs(d.writer.insert.meanMs)} / ${formatMs(d.writer.insert.p95Ms)}`}
                testId="writer-insert"
              />
              <Figure label="Store probe" value={formatMs(d.store.probeMs)} testId="store-probe" />
              <Figure
                label="Console queries, mean / p95 ≤"
                value={`${formatMs(d.store.procedures.meanMs)} / ${formatMs(d.store.procedures.p95Ms)}`}
                testId="store-latency"
              />
              <Figure label="Console queries" value={formatCount(d.store.procedures.count)} />
            </div>
          )}
        </Panel>
        <Panel title="Version and process" status={status} testId="system-process">
          {d && (
            <div className="grid grid-cols-2 gap-4">
              <Figure label="Swarmdeck" value={d.process.version} testId="app-version" />
              <Figure label="Uptime" value={duration(d.process.uptimeSec)} testId="uptime" />
              <Figure
                label="Store"
                value={`${d.store.mode === 'embedded' ? 'embedded (chdb)' : 'ClickHouse server'} ${d.store.engine}`}
              />
              <Figure label="Memory (RSS)" value={formatBytes(d.process.rssBytes)} />
              <Figure label="Node.js" value={d.process.node} />
              <Figure
                label="Migrations"
                value={`${d.migrations.applied} applied${d.migrations.pending ? `, ${d.migrations.pending} pending` : ', none pending'}`}
                testId="migrations"
              />
            </div>
          )}
        </Panel>
      </div>

      <Panel
        title="Tables"
        subtitle="Rows and bytes on disk of every table (active parts)."
        status={statusOf(q, (x: typeof d) => !x || x.tables.length === 0, d)}
        emptyText="No tables yet."
        testId="store-status"
      >
        {d && (
          <Table>
            <TableHead>
              <TableRow>
                <TableHeaderCell>Table</TableHeaderCell>
                <TableHeaderCell className="text-right">Rows</TableHeaderCell>
                <TableHeaderCell className="text-right">On disk</TableHeaderCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {d.tables.map((t) => (
                <TableRow key={t.table}>
                  <TableCell>{t.table}</TableCell>
                  <TableCell className="text-right">{formatCount(t.rows)}</TableCell>
                  <TableCell className="text-right">{formatBytes(t.bytes)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Panel>

      <Card data-testid="system-backups">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 className="text-tremor-title font-medium text-tremor-content-strong dark:text-dark-tremor-content-strong">
            Backups
          </h2>
          {/* A plain button: Tremor's Button brings its tooltip machinery (@floating-ui, ~10 KiB compressed). */}
          <button
            type="button"
            className={buttonClass}
            disabled={!d || d.store.mode !== 'embedded' || backup.isPending}
            aria-busy={backup.isPending}
            onClick={() => backup.mutate()}
          >
            {backup.isPending ? 'Backing up…' : 'Back up now'}
          </button>
        </div>
        {backup.error && (
          <p role="alert" className="mt-2 text-tremor-default text-red-700 dark:text-red-300">
            {backup.error.message}
          </p>
        )}
        <div className="mt-4">
          {!d ? (
            <Text>{q.error ? 'Could not load the backups.' : 'Loading…'}</Text>
          ) : d.store.mode !== 'embedded' ? (
            <Text>The store is a ClickHouse server: back it up with the server’s own BACKUP or clickhouse-backup.</Text>
          ) : (
            <>
              <Text>
                In {d.backups.dir}.{' '}
                {d.backups.everyHours > 0
                  ? `Scheduled every ${d.backups.everyHours} h, keeping ${d.backups.keep}.`
                  : 'No schedule (SWARMDECK_BACKUP_EVERY_HOURS is 0).'}
              </Text>
              {d.backups.list.length === 0 ? (
                <p data-testid="backups-empty" className="mt-2 text-tremor-default">
                  No backup yet: <code>npm run backup</code> or “Back up now”.
                </p>
              ) : (
                <Table className="mt-2">
                  <TableHead>
                    <TableRow>
                      <TableHeaderCell>Backup</TableHeaderCell>
                      <TableHeaderCell>Taken (UTC)</TableHeaderCell>
                      <TableHeaderCell className="text-right">Size</TableHeaderCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {d.backups.list.map((b) => (
                      <TableRow key={b.name}>
                        <TableCell>{b.name}</TableCell>
                        <TableCell>{b.createdAt.replace('T', ' ').slice(0, 19)}</TableCell>
                        <TableCell className="text-right">{formatBytes(b.bytes)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </>
          )}
        </div>
      </Card>
    </div>
  );
}
