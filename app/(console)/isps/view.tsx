'use client';

import { LineChart } from '@tremor/react';
import { useQuery } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { Heatmap } from '@/components/charts/heatmap';
import { IgnoredFiltersNote } from '@/components/charts/ignored-filters';
import { Panel, statusOf } from '@/components/charts/panel';
import { SortableTable } from '@/components/charts/sortable-table';
import { COLORS, FORMAT } from '@/components/charts/theme';
import { TimeSeriesChart } from '@/components/charts/time-series';
import { ListSearch, Pager } from '@/components/charts/list-controls';
import { ISP_SORT_KEYS, LIST_Q_MAX } from '@/lib/filter-params';
import { useListParams, useViewParams } from '@/lib/use-view-params';
import { useTRPC } from '../../_trpc/client';
import { refetchFor } from '../overview/params';
import { ISP_COLUMNS } from './columns';

/** The range and filters carried to an ISP's page (the list's sort, page and search stay here). */
function detailQuery(sp: URLSearchParams | { toString(): string }): string {
  const next = new URLSearchParams(sp.toString());
  for (const k of ['sort', 'dir', 'page', 'q']) next.delete(k);
  return next.size ? `?${next}` : '';
}

export function IspsView() {
  const trpc = useTRPC();
  const { range, filters } = useViewParams();
  const router = useRouter();
  const sp = useSearchParams();
  const refetchInterval = refetchFor(range);
  const list = useListParams(ISP_SORT_KEYS, 'cdn');
  const q = list.q.slice(0, LIST_Q_MAX);
  const table = useQuery({
    ...trpc.dashboards.isps.queryOptions({
      range,
      filters,
      sort: list.sort,
      desc: list.desc,
      offset: list.offset,
      limit: list.limit,
      q,
    }),
    refetchInterval,
    // A new page or order keeps the old rows on screen until the new ones arrive.
    placeholderData: (prev) => prev,
  });
  const series = useQuery({ ...trpc.dashboards.ispSeries.queryOptions({ range, filters }), refetchInterval });
  const flows = useQuery({ ...trpc.dashboards.ispFlows.queryOptions({ range, filters, top: 10 }), refetchInterval });
  const name = (asn: number) => {
    const r = table.data?.rows.find((x) => x.asn === asn);
    return r?.isp ? `AS${asn} ${r.isp}` : `AS${asn}`;
  };
  const label = (a: { asn: number; isp: string }) => (a.isp ? `AS${a.asn} ${a.isp}`.slice(0, 22) : `AS${a.asn}`);

  return (
    <div className="grid gap-6">
      {table.data && <IgnoredFiltersNote keys={table.data.ignoredFilters} />}
      <div className="flex flex-wrap items-center justify-between gap-2">
        <ListSearch key={q} value={q} onSearch={list.setSearch} label="Search ISP name or ASN" testId="isps-search" />
      </div>
      <Panel
        title="ISPs"
        subtitle="Per reporting ASN. Sort by any column; click a row for the ISP's detail page. Peak p95: 5-minute buckets, nearest rank, empty buckets count as 0."
        testId="isps-table"
        // A page past the end still shows the pager, to go back.
        status={{ ...statusOf(table), empty: table.data ? table.data.total === 0 : false }}
        emptyText={q ? `No ISP name or ASN contains “${q}” in this range.` : undefined}
      >
        {table.data && (
          <>
            <SortableTable
              rows={table.data.rows}
              rowKey={(r) => String(r.asn)}
              onRowClick={(r) => router.push(`/isps/${r.asn}${detailQuery(sp)}`)}
              serverSort={{
                key: list.sort,
                desc: list.desc,
                onChange: (k, desc) => list.setSort(k as (typeof ISP_SORT_KEYS)[number], desc),
              }}
              columns={ISP_COLUMNS}
              rowTitle="Open the ISP's detail page"
            />
            <Pager
              offset={table.data.offset}
              limit={table.data.limit}
              total={table.data.total}
              shown={table.data.rows.length}
              onPage={list.setPage}
              testId="isps-pager"
            />
          </>
        )}
      </Panel>
      <div className="grid gap-4 xl:grid-cols-2">
        <Panel
          title="Balance over time"
          subtitle="P2P out ÷ P2P in per bucket (1.0 = balanced), largest ISPs"
          testId="isps-balance"
          status={{ ...statusOf(series), empty: series.data ? series.data.asns.length === 0 : false }}
        >
          {series.data && (
            <TimeSeriesChart
              data={series.data.series.map((p) => ({
                t: p.t,
                ...Object.fromEntries(series.data.asns.map((a) => [name(a), p.byAsn[a]?.balance ?? null])),
              }))}
              categories={series.data.asns.map(name)}
              colors={COLORS.series}
              unit="ratio"
              chart={LineChart}
              stepSeconds={series.data.stepSeconds}
            />
          )}
        </Panel>
        <Panel
          title="ISP × ISP flows"
          subtitle={
            flows.data
              ? `P2P bytes received by the row ISP from the column ISP, top ${flows.data.asns.length}; from unknown peer ISP: ${FORMAT.bytes(flows.data.unknownPeerBytes)}`
              : undefined
          }
          testId="isps-flows"
          status={{ ...statusOf(flows), empty: flows.data ? flows.data.asns.length === 0 : false }}
        >
          {flows.data && (
            <Heatmap
              rows={flows.data.asns.map((a) => ({ key: a.asn, label: label(a) }))}
              cols={flows.data.asns.map((a) => ({ key: a.asn, label: label(a) }))}
              cells={flows.data.cells.map((c) => ({ row: c.to, col: c.from, value: c.bytes }))}
              unit="bytes"
              rowTitle="receiving ISP"
              colTitle="sending ISP"
            />
          )}
        </Panel>
      </div>
    </div>
  );
}
