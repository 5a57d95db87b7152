'use client';

import { AreaChart } from '@tremor/react';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { KpiTile } from '@/components/charts/kpi-tile';
import { Panel, statusOf } from '@/components/charts/panel';
import { SortableTable } from '@/components/charts/sortable-table';
import { COLORS } from '@/components/charts/theme';
import { TimeSeriesChart } from '@/components/charts/time-series';
import { inputClass } from '@/components/ui/form';
import { ErrorState, LoadingState } from '@/components/ui/states';
import { formatPercent } from '@/lib/format';
import { useViewParams } from '@/lib/use-view-params';
import { useTRPC } from '../../_trpc/client';
import { COST_PER_GB_MAX, costFromSearchParams, isCostPerGb, refetchFor } from './params';
import { useRolloutAnnotations } from './use-annotations';

const MOVER_TITLES = { deviceClass: 'Device classes', asn: 'ISPs', contentId: 'Titles' } as const;
const MOVER_COLUMN = { deviceClass: 'Device class', asn: 'ISP', contentId: 'Title' } as const;

export function OverviewView() {
  const trpc = useTRPC();
  const { range, filters, setFilter } = useViewParams();
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const costPerGb = costFromSearchParams(new URLSearchParams(sp.toString()));
  const refetchInterval = refetchFor(range);
  const ov = useQuery({ ...trpc.dashboards.overview.queryOptions({ range, filters, costPerGb }), refetchInterval });
  const mv = useQuery({ ...trpc.dashboards.movers.queryOptions({ range, filters }), refetchInterval });

  const setCost = (v: number) => {
    const next = new URLSearchParams(sp.toString());
    next.set('costPerGb', String(v));
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };

  const d = ov.data;
  const annotations = useRolloutAnnotations(d ? { from: d.from, to: d.to } : undefined);
  const spark = (pick: (p: NonNullable<typeof d>['series'][number]) => number | null) =>
    d ? d.series.map((p) => ({ t: p.t, v: pick(p) })) : [];
  const empty = d
    ? d.current.cdnBytes + d.current.p2pBytes === 0 && d.previous.cdnBytes + d.previous.p2pBytes === 0
    : false;

  return (
    <div className="grid gap-6">
      {ov.isPending ? (
        <LoadingState label="Loading tiles…" />
      ) : ov.isError ? (
        <ErrorState error={ov.error} onRetry={() => void ov.refetch()} />
      ) : (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 2xl:grid-cols-5" data-testid="overview-tiles">
          <KpiTile
            testId="tile-offload"
            title="Offload ratio"
            unit="percent"
            value={d!.current.offload}
            previous={d!.previous.offload}
            spark={spark((p) => p.offload)}
            color={COLORS.offload}
          />
          <KpiTile
            testId="tile-saved"
            title="CDN egress saved"
            unit="bytes"
            value={d!.current.savedBytes}
            previous={d!.previous.savedBytes}
            spark={spark((p) => p.savedBytes)}
            color={COLORS.p2p}
            detail={
              <span data-testid="tile-saved-cost">
                ≈ {new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(d!.current.savedCost)}{' '}
                at ${d!.costPerGb}/GB
              </span>
            }
          />
          <KpiTile
            testId="tile-sessions"
            title="Concurrent sessions (avg)"
            unit="count"
            value={d!.current.concurrentSessions}
            previous={d!.previous.concurrentSessions}
            spark={spark((p) => p.concurrentSessions)}
            color="violet"
          />
          <KpiTile
            testId="tile-peers"
            title="Active peers"
            unit="count"
            value={d!.current.activePeers}
            previous={d!.previous.activePeers}
            spark={spark((p) => p.activePeers)}
            color="cyan"
          />
          <KpiTile
            testId="tile-rebuffer"
            title="Rebuffer ratio, P2P cohort"
            unit="percent"
            value={d!.current.rebufferP2p}
            previous={d!.previous.rebufferP2p}
            spark={spark((p) => p.rebufferP2p)}
            color="amber"
            higherIsBetter={false}
            detail={
              <span data-testid="tile-rebuffer-control">
                control cohort: {formatPercent(d!.current.rebufferControl, 2)}
              </span>
            }
          />
        </div>
      )}

      <div className="flex items-center gap-2 text-tremor-default">
        <label htmlFor="cost-per-gb" className="text-tremor-content dark:text-dark-tremor-content">
          CDN cost ($/GB)
        </label>
        <CostInput value={costPerGb} onChange={setCost} />
      </div>

      <Panel
        title="Offload over time"
        subtitle="P2P share of delivered bytes"
        testId="overview-offload"
        status={{ ...statusOf(ov), empty }}
      >
        {d && (
          <TimeSeriesChart
            chart={AreaChart}
            data={d.series.map((p) => ({ t: p.t, Offload: p.offload }))}
            categories={['Offload']}
            colors={[COLORS.offload]}
            unit="percent"
            stepSeconds={d.stepSeconds}
            annotations={annotations}
          />
        )}
      </Panel>

      <div className="grid gap-4 xl:grid-cols-3" data-testid="movers">
        {(['deviceClass', 'asn', 'contentId'] as const).map((dim) => (
          <Panel
            key={dim}
            title={`Biggest movers: ${MOVER_TITLES[dim]}`}
            subtitle="Offload change vs the previous period · click to filter"
            testId={`movers-${dim}`}
            status={{ ...statusOf(mv), empty: mv.data ? mv.data[dim].rows.length === 0 : false }}
            emptyText="Nothing to compare: no data in one of the two periods."
          >
            {mv.data && (
              <SortableTable
                rows={mv.data[dim].rows}
                rowKey={(r) => r.key}
                onRowClick={(r) => setFilter(dim, r.key)}
                initialSort={{ key: 'abs', desc: true }}
                columns={[
                  { key: 'label', label: MOVER_COLUMN[dim], value: (r) => r.label, truncate: true },
                  { key: 'offload', label: 'Offload', unit: 'percent', value: (r) => r.offload },
                  {
                    key: 'abs',
                    label: 'Change',
                    unit: 'percent',
                    value: (r) => Math.abs(r.change ?? 0),
                    render: (r) =>
                      `${(r.change ?? 0) >= 0 ? '+' : '−'}${Math.abs((r.change ?? 0) * 100).toFixed(1)} pts`,
                  },
                ]}
              />
            )}
          </Panel>
        ))}
      </div>
    </div>
  );
}

/**
 * The CDN price the savings tile uses, in the URL as `costPerGb`. A plain number input (Tremor's
 * NumberInput brought ≈ 2.6 KiB of compressed script for its stepper buttons; the browser's own steps by
 * arrow keys). What is typed is kept as typed ("0.0" on the way to "0.05") and goes to the URL whenever
 * it reads as a price the server accepts (isCostPerGb); a change of the URL from elsewhere replaces it.
 */
function CostInput({ value, onChange }: { value: number; onChange: (v: number) => void }) {
  const [text, setText] = useState(String(value));
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    // The URL moved (back button, a link): show its price unless the text already means it.
    setShown(value);
    if (Number(text) !== value) setText(String(value));
  }
  return (
    <input
      id="cost-per-gb"
      type="number"
      inputMode="decimal"
      min={0}
      max={COST_PER_GB_MAX}
      step={0.005}
      className={`${inputClass} w-32`}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        // an empty or unreadable field is NaN here, which isCostPerGb refuses
        const v = e.target.valueAsNumber;
        if (isCostPerGb(v) && v !== value) onChange(v);
      }}
    />
  );
}
