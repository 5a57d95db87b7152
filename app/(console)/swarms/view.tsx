'use client';

import { LineChart } from '@tremor/react';
import { useQuery } from '@tanstack/react-query';
import { BarBreakdown } from '@/components/charts/bar-breakdown';
import { Panel, statusOf } from '@/components/charts/panel';
import { SortableTable } from '@/components/charts/sortable-table';
import { COLORS, FORMAT } from '@/components/charts/theme';
import { TimeSeriesChart } from '@/components/charts/time-series';
import { IgnoredFiltersNote } from '@/components/charts/ignored-filters';
import { MUTED } from '@/components/charts/legend';
import { ListSearch, Pager } from '@/components/charts/list-controls';
import { SWARM_SORT_KEYS } from '@/lib/filter-params';
import { useListParams, useViewParams } from '@/lib/use-view-params';
import { useTRPC } from '../../_trpc/client';
import { refetchFor } from '../overview/params';

export function SwarmsView() {
  const trpc = useTRPC();
  const { range, filters, setFilter } = useViewParams();
  const refetchInterval = refetchFor(range);
  const list = useListParams(SWARM_SORT_KEYS, 'peers');
  const sw = useQuery({
    ...trpc.dashboards.swarms.queryOptions({
      range,
      filters,
      sort: list.sort,
      desc: list.desc,
      offset: list.offset,
      limit: list.limit,
      q: list.q,
    }),
    refetchInterval,
    // A new page or order keeps the old rows on screen until the new ones arrive.
    placeholderData: (prev) => prev,
  });
  const size = useQuery({ ...trpc.dashboards.swarmSize.queryOptions({ range, filters }), refetchInterval });
  const curve = useQuery({ ...trpc.dashboards.sizeCurve.queryOptions({ range, filters }), refetchInterval });
  const rows = sw.data?.rows ?? [];

  return (
    <div className="grid gap-6">
      {sw.data && <IgnoredFiltersNote keys={sw.data.ignoredFilters} />}
      {sw.data && sw.data.troubleTotal > 0 && (
        <div
          role="status"
          className="rounded-tremor-default border border-rose-300 bg-rose-50 p-4 text-tremor-default text-rose-900 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-100"
          data-testid="swarms-trouble"
        >
          <p className="font-semibold">
            {`${sw.data.troubleTotal} swarm${sw.data.troubleTotal > 1 ? 's' : ''} in trouble`}
            {sw.data.troubleTotal > sw.data.trouble.length ? ` (the ${sw.data.trouble.length} largest below)` : ''}
          </p>
          <ul className="mt-1 list-disc pl-5">
            {sw.data.trouble.map((t) => (
              <li key={t.swarmId}>
                <button type="button" className="underline" onClick={() => setFilter('contentId', t.contentId)}>
                  {t.swarmId}
                </button>{' '}
                ({t.contentId}): {t.trouble.join('; ')}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        <Panel
          title="Swarm size over time"
          subtitle="Active peers (distinct) per bucket, largest swarms"
          testId="swarm-size"
          status={{ ...statusOf(size), empty: size.data ? size.data.swarmIds.length === 0 : false }}
        >
          {size.data && (
            <TimeSeriesChart
              data={size.data.series.map((p) => ({ t: p.t, ...p.peers }))}
              categories={size.data.swarmIds}
              colors={COLORS.series}
              unit="count"
              chart={LineChart}
              stepSeconds={size.data.stepSeconds}
            />
          )}
        </Panel>
        <Panel
          title="Swarm size → offload"
          subtitle="Offload of swarms by their size (distinct peers per swarm and minute, 15 minutes or hour)"
          testId="size-curve"
          status={{ ...statusOf(curve), empty: curve.data ? curve.data.points.length === 0 : false }}
        >
          {curve.data && (
            <BarBreakdown
              data={curve.data.points.map((p) => ({ size: `${p.label} peers`, Offload: p.offload }))}
              index="size"
              categories={['Offload']}
              colors={[COLORS.offload]}
              unit="percent"
            />
          )}
        </Panel>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <ListSearch
          key={list.q}
          value={list.q}
          onSearch={list.setSearch}
          label="Search swarm ids"
          testId="swarms-search"
        />
        {sw.data?.asOf != null && (
          <p className={`text-tremor-label ${MUTED}`} data-testid="swarms-as-of">
            {`Figures as of ${new Date(sw.data.asOf).toISOString().slice(11, 19)} UTC (kept by the server, refreshed in the background)`}
          </p>
        )}
      </div>
      <Panel
        title="Swarms"
        subtitle="Sort by any column; click a row to filter by its title."
        testId="swarms-table"
        status={{ ...statusOf(sw), empty: sw.data ? rows.length === 0 : false }}
        emptyText={
          list.q
            ? `No swarm id contains “${list.q}” in this range.`
            : list.offset > 0
              ? 'This page is past the end of the list.'
              : undefined
        }
      >
        <SortableTable
          rows={rows}
          rowKey={(r) => r.swarmId}
          onRowClick={(r) => setFilter('contentId', r.contentId)}
          serverSort={{
            key: list.sort,
            desc: list.desc,
            onChange: (k, desc) => list.setSort(k as (typeof SWARM_SORT_KEYS)[number], desc),
          }}
          columns={[
            {
              key: 'swarm',
              label: 'Swarm',
              value: (r) => r.swarmId,
              render: (r) => (r.trouble.length ? `⚠ ${r.swarmId}` : r.swarmId),
            },
            { key: 'title', label: 'Title', value: (r) => r.contentId },
            { key: 'peers', label: 'Active peers', unit: 'count', value: (r) => r.activePeers },
            { key: 'uploading', label: 'Uploading peers', unit: 'count', value: (r) => r.uploadingPeers },
            {
              key: 'connected',
              label: 'Mean connected',
              unit: 'count',
              value: (r) => r.meanConnected,
              render: (r) => (r.meanConnected === null ? '—' : `${r.meanConnected.toFixed(1)} peers`),
            },
            { key: 'success', label: 'Connection success', unit: 'percent', value: (r) => r.connectionSuccess },
            { key: 'offload', label: 'Offload', unit: 'percent', value: (r) => r.offload },
            { key: 'updown', label: 'Up / down', unit: 'ratio', value: (r) => r.upDownRatio },
            {
              key: 'p2p',
              label: 'P2P',
              unit: 'bytes',
              value: (r) => r.p2pBytes,
              render: (r) => FORMAT.bytes(r.p2pBytes),
            },
          ]}
        />
        {sw.data && (
          <Pager
            offset={sw.data.offset}
            limit={sw.data.limit}
            total={sw.data.total}
            shown={rows.length}
            onPage={list.setPage}
            testId="swarms-pager"
          />
        )}
      </Panel>
    </div>
  );
}
