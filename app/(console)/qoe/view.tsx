'use client';

import { LineChart } from '@tremor/react';
import { useQuery } from '@tanstack/react-query';
import { Panel, statusOf } from '@/components/charts/panel';
import { SortableTable } from '@/components/charts/sortable-table';
import { COLORS, type Unit } from '@/components/charts/theme';
import { TimeSeriesChart } from '@/components/charts/time-series';
import { DEVICE_CLASS_LABEL, type DeviceClass } from '@/lib/filter-params';
import { useViewParams } from '@/lib/use-view-params';
import { useTRPC } from '../../_trpc/client';
import { refetchFor } from '../overview/params';
import { useRolloutAnnotations } from '../overview/use-annotations';
import { SourceFilter, useQoeSource } from './source-filter';

type Metric = 'rebufferRatio' | 'startupP50' | 'startupP95' | 'failureRate' | 'avgBitrateKbps';
const METRICS: { key: Metric; title: string; unit: Unit; subtitle: string }[] = [
  { key: 'rebufferRatio', title: 'Rebuffer ratio', unit: 'percent', subtitle: 'stalled ÷ (playing + stalled)' },
  { key: 'startupP50', title: 'Startup time p50', unit: 'ms', subtitle: 'median time to first frame' },
  { key: 'startupP95', title: 'Startup time p95', unit: 'ms', subtitle: '95th percentile time to first frame' },
  {
    key: 'failureRate',
    title: 'Playback failure rate',
    unit: 'percent',
    subtitle: 'sessions with a fatal error ÷ sessions',
  },
  { key: 'avgBitrateKbps', title: 'Average bitrate', unit: 'kbps', subtitle: 'time-weighted over playing time' },
];

export function QoeView() {
  const trpc = useTRPC();
  const { range, filters, setFilter } = useViewParams();
  const source = useQoeSource();
  const q = useQuery({
    ...trpc.dashboards.qoe.queryOptions({ range, filters, source: source.value }),
    refetchInterval: refetchFor(range),
  });
  const d = q.data;
  const annotations = useRolloutAnnotations(d ? { from: d.from, to: d.to } : undefined);
  const empty = d ? d.cohorts.length === 0 : false;
  return (
    <div className="grid gap-6">
      <SourceFilter value={source.value} onChange={source.set} />
      <div className="grid gap-4 xl:grid-cols-2">
        {METRICS.map((m) => (
          <Panel
            key={m.key}
            title={m.title}
            subtitle={`${m.subtitle}, by cohort`}
            testId={`qoe-${m.key}`}
            status={{ ...statusOf(q), empty }}
          >
            {d && (
              <TimeSeriesChart
                data={d.series.map((p) => ({
                  t: p.t,
                  ...Object.fromEntries(d.cohorts.map((c) => [c, p.byCohort[c]?.[m.key] ?? null])),
                }))}
                categories={d.cohorts}
                colors={COLORS.series}
                unit={m.unit}
                chart={LineChart}
                stepSeconds={d.stepSeconds}
                height="h-56"
                annotations={annotations}
              />
            )}
          </Panel>
        ))}
      </div>
      <Panel
        title="By cohort and device class"
        subtitle="Over the whole range · click a row to filter by its device class"
        testId="qoe-table"
        status={{ ...statusOf(q), empty }}
      >
        {d && (
          <SortableTable
            rows={d.byCohortDevice}
            rowKey={(r) => `${r.cohort}|${r.deviceClass}`}
            onRowClick={(r) => setFilter('deviceClass', r.deviceClass)}
            initialSort={{ key: 'cohort', desc: false }}
            columns={[
              { key: 'cohort', label: 'Cohort', value: (r) => r.cohort },
              {
                key: 'device',
                label: 'Device class',
                value: (r) => DEVICE_CLASS_LABEL[r.deviceClass as DeviceClass] ?? r.deviceClass,
              },
              { key: 'sessions', label: 'Sessions', unit: 'count', value: (r) => r.sessions },
              { key: 'rebuffer', label: 'Rebuffer ratio', unit: 'percent', value: (r) => r.rebufferRatio },
              { key: 'p50', label: 'Startup p50', unit: 'ms', value: (r) => r.startupP50 },
              { key: 'p95', label: 'Startup p95', unit: 'ms', value: (r) => r.startupP95 },
              { key: 'fail', label: 'Failure rate', unit: 'percent', value: (r) => r.failureRate },
              { key: 'bitrate', label: 'Avg bitrate', unit: 'kbps', value: (r) => r.avgBitrateKbps },
            ]}
          />
        )}
      </Panel>
    </div>
  );
}
