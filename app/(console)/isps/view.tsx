'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { Heatmap } from '@/components/charts/heatmap';
import { IgnoredFiltersNote } from '@/components/charts/ignored-filters';
import { Panel, statusOf } from '@/components/charts/panel';
import { SortableTable } from '@/components/charts/sortable-table';
import { COLORS, FORMAT } from '@/components/charts/theme';
import { TimeSeriesChart } from '@/components/charts/time-series';
import { useViewParams } from '@/lib/use-view-params';
import { useTRPC } from '../../_trpc/client';
import { refetchFor } from '../overview/params';
import { ISP_COLUMNS } from './columns';

export function IspsView() {
  const trpc = useTRPC();
  const { range, filters } = useViewParams();
  const router = useRouter();
  const sp = useSearchParams();
  const refetchInterval = refetchFor(range);
  const table = useQuery({ ...trpc.dashboards.isps.queryOptions({ range, filters }), refetchInterval });
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
      <Panel
        title="ISPs"
        subtitle="Per reporting ASN. Sort by any column; click a row for the ISP's detail page. Peak p95: 5-minute buckets, nearest rank, empty buckets count as 0."
        testId="isps-table"
        status={{ ...statusOf(table), empty: table.data ? table.data.rows.length === 0 : false }}
      >
        {table.data && (
          <SortableTable
            rows={table.data.rows}
            rowKey={(r) => String(r.asn)}
            onRowClick={(r) => router.push(`/isps/${r.asn}${sp.toString() ? `?${sp.toString()}` : ''}`)}
            initialSort={{ key: 'cdn', desc: true }}
            columns={ISP_COLUMNS}
            rowTitle="Open the ISP's detail page"
          />
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
              kind="line"
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
