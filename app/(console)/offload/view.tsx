'use client';

import { AreaChart, LineChart } from '@tremor/react';
import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { BarBreakdown } from '@/components/charts/bar-breakdown';
import { Panel, statusOf } from '@/components/charts/panel';
import { SortableTable } from '@/components/charts/sortable-table';
import { COLORS } from '@/components/charts/theme';
import { TimeSeriesChart } from '@/components/charts/time-series';
import { ListSearch, Pager } from '@/components/charts/list-controls';
import { Segmented } from '@/components/ui/segmented';
import { BREAKDOWN_SORT_KEYS, LIST_Q_MAX } from '@/lib/filter-params';
import { formatBytes, formatPercent } from '@/lib/format';
import { useListParams, useViewParams } from '@/lib/use-view-params';
import { useTRPC } from '../../_trpc/client';
import { refetchFor } from '../overview/params';
import { useRolloutAnnotations } from '../overview/use-annotations';
import { BREAKDOWN_FILTER, BREAKDOWN_LABEL, BREAKDOWNS, dimensionFromSearchParams } from './dimension';

export function OffloadView() {
  const trpc = useTRPC();
  const { range, filters, setFilter } = useViewParams();
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const dimension = dimensionFromSearchParams(new URLSearchParams(sp.toString()));
  const refetchInterval = refetchFor(range);
  const series = useQuery({ ...trpc.dashboards.offload.queryOptions({ range, filters }), refetchInterval });
  const list = useListParams(BREAKDOWN_SORT_KEYS, 'total');
  const q = list.q.slice(0, LIST_Q_MAX);
  const bd = useQuery({
    ...trpc.dashboards.breakdown.queryOptions({
      range,
      filters,
      dimension,
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

  const setDimension = (by: (typeof BREAKDOWNS)[number]) => {
    const next = new URLSearchParams(sp.toString());
    next.set('by', by);
    // Another dimension starts at its first page, unsearched (the sort carries over: same columns).
    next.delete('page');
    next.delete('q');
    router.push(`${pathname}?${next.toString()}`, { scroll: false });
  };
  const s = series.data;
  const annotations = useRolloutAnnotations(s ? { from: s.from, to: s.to } : undefined);
  const empty = s ? s.totals.cdnBytes + s.totals.p2pBytes === 0 : false;
  const filterKey = BREAKDOWN_FILTER[dimension];

  return (
    <div className="grid gap-6">
      <div className="grid gap-4 lg:grid-cols-2">
        <Panel
          title="Bytes by source"
          subtitle={
            s
              ? `CDN ${formatBytes(s.totals.cdnBytes)} · P2P ${formatBytes(s.totals.p2pBytes)} · offload ${formatPercent(s.totals.offload)}`
              : undefined
          }
          testId="offload-bytes"
          status={{ ...statusOf(series), empty }}
        >
          {s && (
            <TimeSeriesChart
              chart={AreaChart}
              data={s.series.map((p) => ({ t: p.t, CDN: p.cdnBytes, P2P: p.p2pBytes }))}
              categories={['CDN', 'P2P']}
              colors={[COLORS.cdn, COLORS.p2p]}
              unit="bytes"
              stack
              stepSeconds={s.stepSeconds}
              annotations={annotations}
            />
          )}
        </Panel>
        <Panel
          title="Offload ratio"
          subtitle="P2P ÷ (P2P + CDN) per bucket"
          testId="offload-ratio"
          status={{ ...statusOf(series), empty }}
        >
          {s && (
            <TimeSeriesChart
              data={s.series.map((p) => ({ t: p.t, Offload: p.offload }))}
              categories={['Offload']}
              colors={[COLORS.offload]}
              unit="percent"
              chart={LineChart}
              stepSeconds={s.stepSeconds}
              annotations={annotations}
            />
          )}
        </Panel>
      </div>

      <Segmented
        label="Break down by"
        options={BREAKDOWNS.map((b) => ({ value: b, label: BREAKDOWN_LABEL[b] }))}
        value={dimension}
        onChange={setDimension}
        testId="breakdown-tabs"
      />

      <div className="flex flex-wrap items-center justify-between gap-2">
        <ListSearch
          key={`${dimension}:${q}`}
          value={q}
          onSearch={list.setSearch}
          label={dimension === 'asn' ? 'Search ASNs' : `Search ${BREAKDOWN_LABEL[dimension].toLowerCase()}s`}
          testId="breakdown-search"
        />
      </div>

      <Panel
        title={`By ${BREAKDOWN_LABEL[dimension].toLowerCase()}`}
        subtitle={filterKey ? 'Sort by any column; click a row to filter the whole page by it.' : 'Sort by any column.'}
        testId="offload-breakdown"
        // A page past the end still shows the pager, to go back.
        status={{ ...statusOf(bd), empty: bd.data ? bd.data.total === 0 : false }}
        emptyText={q ? `No ${BREAKDOWN_LABEL[dimension].toLowerCase()} contains “${q}” in this range.` : undefined}
      >
        {bd.data && (
          <div className="grid gap-4">
            {/* The chart shows the first rows of the page, in the table's order. */}
            {bd.data.rows.length > 0 && (
              <BarBreakdown
                data={bd.data.rows.slice(0, 12).map((r) => ({ name: r.label, CDN: r.cdnBytes, P2P: r.p2pBytes }))}
                index="name"
                categories={['CDN', 'P2P']}
                colors={[COLORS.cdn, COLORS.p2p]}
                unit="bytes"
                stack
              />
            )}
            <SortableTable
              testId="breakdown-table"
              rows={bd.data.rows}
              rowKey={(r) => r.key}
              onRowClick={filterKey ? (r) => setFilter(filterKey, r.key) : undefined}
              serverSort={{
                key: list.sort,
                desc: list.desc,
                onChange: (k, desc) => list.setSort(k as (typeof BREAKDOWN_SORT_KEYS)[number], desc),
              }}
              columns={[
                { key: 'label', label: BREAKDOWN_LABEL[dimension], value: (r) => r.label },
                { key: 'cdn', label: 'CDN', unit: 'bytes', value: (r) => r.cdnBytes },
                { key: 'p2p', label: 'P2P', unit: 'bytes', value: (r) => r.p2pBytes },
                { key: 'total', label: 'Delivered', unit: 'bytes', value: (r) => r.totalBytes },
                { key: 'share', label: 'Share', unit: 'percent', value: (r) => r.share },
                { key: 'offload', label: 'Offload', unit: 'percent', value: (r) => r.offload },
                { key: 'up', label: 'P2P uploaded', unit: 'bytes', value: (r) => r.p2pUpBytes },
              ]}
            />
            <Pager
              offset={bd.data.offset}
              limit={bd.data.limit}
              total={bd.data.total}
              shown={bd.data.rows.length}
              onPage={list.setPage}
              testId="breakdown-pager"
            />
          </div>
        )}
      </Panel>
    </div>
  );
}
