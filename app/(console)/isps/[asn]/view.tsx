'use client';

import { AreaChart, Card, LineChart, Metric, Text } from '@tremor/react';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Panel, statusOf } from '@/components/charts/panel';
import { SortableTable } from '@/components/charts/sortable-table';
import { COLORS, FORMAT, type Unit } from '@/components/charts/theme';
import { TimeSeriesChart } from '@/components/charts/time-series';
import { ErrorState, LoadingState } from '@/components/ui/states';
import { useViewParams } from '@/lib/use-view-params';
import { useTRPC } from '../../../_trpc/client';
import { refetchFor } from '../../overview/params';

function Figure({ label, value, unit, testId }: { label: string; value: number | null; unit: Unit; testId: string }) {
  return (
    <Card data-testid={testId}>
      <Text>{label}</Text>
      <Metric className="mt-1 text-tremor-title">{FORMAT[unit](value)}</Metric>
    </Card>
  );
}

export function IspDetailView({ asn }: { asn: number }) {
  const trpc = useTRPC();
  const { range, filters } = useViewParams();
  const sp = useSearchParams();
  const q = useQuery({
    ...trpc.dashboards.ispDetail.queryOptions({ range, filters, asn }),
    refetchInterval: refetchFor(range),
  });
  const d = q.data;
  const r = d?.row;
  return (
    <div className="grid gap-6" data-testid="isp-detail">
      <Link
        href={`/isps${sp.toString() ? `?${sp.toString()}` : ''}`}
        className="text-tremor-default text-tremor-brand dark:text-dark-tremor-brand-emphasis"
      >
        ← all ISPs
      </Link>
      {q.isPending ? (
        <LoadingState />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <>
          <div data-testid="isp-name">
            <Text>{r?.isp ? `${r.isp} (AS${asn})` : `AS${asn}: no reports from this ISP in the range`}</Text>
          </div>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <Figure testId="isp-cdn" label="Delivered CDN" value={r?.deliveredCdn ?? 0} unit="bytes" />
            <Figure testId="isp-intra" label="P2P intra-ISP" value={r?.p2pIntra ?? 0} unit="bytes" />
            <Figure testId="isp-in" label="P2P in (from other ISPs)" value={r?.p2pIn ?? 0} unit="bytes" />
            <Figure testId="isp-out" label="P2P out (to other ISPs)" value={r?.p2pOut ?? 0} unit="bytes" />
            <Figure testId="isp-balance" label="Balance (out ÷ in)" value={r?.balance ?? null} unit="ratio" />
            <Figure testId="isp-offload" label="Offload" value={r?.offload ?? null} unit="percent" />
            <Figure testId="isp-peak" label="Peak p95 (5-min, CDN + P2P in)" value={r?.peakMbpsP95 ?? 0} unit="mbps" />
            <Figure
              testId="isp-unknown"
              label="P2P from unknown peer ISP"
              value={r?.unknownPeerDown ?? 0}
              unit="bytes"
            />
          </div>
        </>
      )}
      <Panel
        title="Traffic over time"
        subtitle="Delivered CDN, P2P intra, in and out per bucket"
        testId="isp-traffic"
        status={{ ...statusOf(q), empty: !r }}
      >
        {d && (
          <TimeSeriesChart
            chart={AreaChart}
            data={d.series.map((p) => ({
              t: p.t,
              'Delivered CDN': p.deliveredCdn,
              'P2P intra': p.p2pIntra,
              'P2P in': p.p2pIn,
              'P2P out': p.p2pOut,
            }))}
            categories={['Delivered CDN', 'P2P intra', 'P2P in', 'P2P out']}
            colors={[COLORS.cdn, COLORS.intra, COLORS.in, COLORS.out]}
            unit="bytes"
            stepSeconds={d.stepSeconds}
          />
        )}
      </Panel>
      <Panel
        title="Balance over time"
        subtitle="P2P out ÷ P2P in (1.0 = balanced; gaps where nothing came in)"
        testId="isp-balance-series"
        status={{ ...statusOf(q), empty: !r }}
      >
        {d && (
          <TimeSeriesChart
            data={d.series.map((p) => ({ t: p.t, Balance: p.balance }))}
            categories={['Balance']}
            colors={[COLORS.out]}
            unit="ratio"
            chart={LineChart}
            stepSeconds={d.stepSeconds}
          />
        )}
      </Panel>
      <Panel
        title="Partner ISPs"
        subtitle="P2P bytes exchanged with each remote ISP"
        testId="isp-partners"
        status={{ ...statusOf(q), empty: d ? d.partners.length === 0 : false }}
      >
        {d && (
          <SortableTable
            rows={d.partners}
            rowKey={(p) => String(p.peerAsn)}
            initialSort={{ key: 'in', desc: true }}
            columns={[
              {
                key: 'asn',
                label: 'Peer ASN',
                value: (p) => p.peerAsn,
                render: (p) => (p.peerAsn === 0 ? 'unknown' : `AS${p.peerAsn}`),
              },
              { key: 'isp', label: 'ISP', value: (p) => p.isp || '—' },
              { key: 'in', label: 'Received from', unit: 'bytes', value: (p) => p.inBytes },
              { key: 'out', label: 'Sent to', unit: 'bytes', value: (p) => p.outBytes },
            ]}
          />
        )}
      </Panel>
    </div>
  );
}
