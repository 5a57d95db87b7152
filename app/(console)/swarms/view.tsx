'use client';

import { useQuery } from '@tanstack/react-query';
import { BarBreakdown } from '@/components/charts/bar-breakdown';
import { Panel, statusOf } from '@/components/charts/panel';
import { SortableTable } from '@/components/charts/sortable-table';
import { COLORS, FORMAT } from '@/components/charts/theme';
import { TimeSeriesChart } from '@/components/charts/time-series';
import { IgnoredFiltersNote } from '@/components/charts/ignored-filters';
import { useViewParams } from '@/lib/use-view-params';
import { useTRPC } from '../../_trpc/client';
import { refetchFor } from '../overview/params';

export function SwarmsView() {
  const trpc = useTRPC();
  const { range, filters, setFilter } = useViewParams();
  const refetchInterval = refetchFor(range);
  const sw = useQuery({ ...trpc.dashboards.swarms.queryOptions({ range, filters }), refetchInterval });
  const size = useQuery({ ...trpc.dashboards.swarmSize.queryOptions({ range, filters }), refetchInterval });
  const curve = useQuery({ ...trpc.dashboards.sizeCurve.queryOptions({ range, filters }), refetchInterval });
  const rows = sw.data?.rows ?? [];

  return (
    <div className="grid gap-6">
      {sw.data && <IgnoredFiltersNote keys={sw.data.ignoredFilters} />}
      {sw.data && sw.data.trouble.length > 0 && (
        <div role="status" className="rounded-tremor-default border border-rose-300 bg-rose-50 p-4 text-tremor-default text-rose-900 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-100" data-testid="swarms-trouble">
          <p className="font-semibold">{`${sw.data.trouble.length} swarm${sw.data.trouble.length > 1 ? 's' : ''} in trouble`}</p>
          <ul className="mt-1 list-disc pl-5">
            {sw.data.trouble.slice(0, 10).map((t) => (
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
        <Panel title="Swarm size over time" subtitle="Active peers (distinct) per bucket, largest swarms" testId="swarm-size" status={{ ...statusOf(size), empty: size.data ? size.data.swarmIds.length === 0 : false }}>
          {size.data && (
            <TimeSeriesChart
              data={size.data.series.map((p) => ({ t: p.t, ...p.peers }))}
              categories={size.data.swarmIds}
              colors={COLORS.series}
              unit="count"
              kind="line"
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
      <Panel title="Swarms" subtitle="Sort by any column; click a row to filter by its title." testId="swarms-table" status={{ ...statusOf(sw), empty: sw.data ? rows.length === 0 : false }}>
        <SortableTable
          rows={rows}
          rowKey={(r) => r.swarmId}
          onRowClick={(r) => setFilter('contentId', r.contentId)}
          initialSort={{ key: 'peers', desc: true }}
          columns={[
            { key: 'swarm', label: 'Swarm', value: (r) => r.swarmId, render: (r) => (r.trouble.length ? `⚠ ${r.swarmId}` : r.swarmId) },
            { key: 'title', label: 'Title', value: (r) => r.contentId },
            { key: 'peers', label: 'Active peers', unit: 'count', value: (r) => r.activePeers },
            { key: 'uploading', label: 'Uploading peers', unit: 'count', value: (r) => r.uploadingPeers },
            { key: 'connected', label: 'Mean connected', unit: 'count', value: (r) => r.meanConnected, render: (r) => (r.meanConnected === null ? '—' : `${r.meanConnected.toFixed(1)} peers`) },
            { key: 'success', label: 'Connection success', unit: 'percent', value: (r) => r.connectionSuccess },
            { key: 'offload', label: 'Offload', unit: 'percent', value: (r) => r.offload },
            { key: 'updown', label: 'Up / down', unit: 'ratio', value: (r) => r.upDownRatio },
            { key: 'p2p', label: 'P2P', unit: 'bytes', value: (r) => r.p2pBytes, render: (r) => FORMAT.bytes(r.p2pBytes) },
          ]}
        />
      </Panel>
    </div>
  );
}
