'use client';

import {
  BarChart,
  Card,
  LineChart,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeaderCell,
  TableRow,
  Text,
  Title,
} from '@tremor/react';
import { TimeSeriesChart } from '@/components/charts/time-series';
import { COLORS } from '@/components/charts/theme';
import { formatBytes, formatCount } from '@/lib/format';
import type { ReportCell, ReportPreview } from '@/lib/reports/preview';

const num = (v: ReportCell) => (typeof v === 'number' ? v : null);
const ratio = (v: ReportCell) => (v === null ? '—' : String((v as number).toFixed(6)));

const COLUMNS: { key: string; label: string; fmt: (v: ReportCell) => string }[] = [
  { key: 'delivered_cdn_bytes', label: 'CDN delivered', fmt: (v) => formatBytes(num(v), 2) },
  { key: 'p2p_intra_bytes', label: 'P2P intra', fmt: (v) => formatBytes(num(v), 2) },
  { key: 'p2p_in_bytes', label: 'P2P in', fmt: (v) => formatBytes(num(v), 2) },
  { key: 'p2p_out_bytes', label: 'P2P out', fmt: (v) => formatBytes(num(v), 2) },
  { key: 'balance', label: 'Balance (out/in)', fmt: ratio },
  { key: 'offload_ratio', label: 'Offload', fmt: ratio },
  { key: 'peak_mbps_p95', label: 'Peak p95 (Mbit/s)', fmt: (v) => (v === null ? '—' : (v as number).toFixed(3)) },
  { key: 'sessions', label: 'Sessions', fmt: (v) => formatCount(num(v)) },
  { key: 'play_hours', label: 'Play hours', fmt: (v) => (v === null ? '—' : (v as number).toFixed(3)) },
  { key: 'rebuffer_ratio', label: 'Rebuffer ratio', fmt: ratio },
];

/** The report as the Reports page and a share link show it: totals, per-ISP charts, partners and days. */
export function ReportPreviewView({ preview }: { preview: ReportPreview }) {
  return (
    <div className="grid gap-6" data-testid="report-preview">
      <Card>
        <Title>
          Totals {preview.from} → {preview.to} (UTC)
        </Title>
        <div className="overflow-x-auto">
          <Table className="mt-3" data-testid="report-totals">
            <TableHead>
              <TableRow>
                <TableHeaderCell>ISP</TableHeaderCell>
                {COLUMNS.map((c) => (
                  <TableHeaderCell key={c.key} className="text-right">
                    {c.label}
                  </TableHeaderCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {preview.isps.map((i) => (
                <TableRow key={i.asn}>
                  <TableCell>
                    {i.isp || 'Unknown ISP'} <span className="text-tremor-content-subtle">AS{i.asn}</span>
                  </TableCell>
                  {COLUMNS.map((c) => (
                    <TableCell key={c.key} className="text-right tabular-nums">
                      {c.fmt(i.totals[c.key] ?? null)}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      </Card>
      {preview.isps.map((i) => (
        <Card key={i.asn} data-testid={`report-isp-${i.asn}`}>
          <Title>
            {i.isp || 'Unknown ISP'} (AS{i.asn})
          </Title>
          <div className="mt-4 grid gap-6 lg:grid-cols-2">
            <div>
              <Text>Daily traffic into the ISP: CDN vs P2P</Text>
              <TimeSeriesChart
                data={i.daily.map((d) => ({ t: Date.parse(`${d.date}T00:00:00Z`), CDN: d.cdn, P2P: d.p2p }))}
                categories={['CDN', 'P2P']}
                colors={[COLORS.cdn, COLORS.p2p]}
                unit="bytes"
                stepSeconds={86_400}
                chart={BarChart}
                stack
                height="h-56"
              />
            </div>
            <div>
              <Text>Cross-ISP balance (out / in; 1.0 = balanced)</Text>
              <TimeSeriesChart
                data={i.daily.map((d) => ({ t: Date.parse(`${d.date}T00:00:00Z`), Balance: d.balance }))}
                categories={['Balance']}
                colors={[COLORS.out]}
                unit="ratio"
                stepSeconds={86_400}
                chart={LineChart}
                height="h-56"
              />
            </div>
          </div>
          <div className="mt-6 grid gap-6 lg:grid-cols-2">
            <div>
              <Text>Top partner ISPs by cross-ISP flow</Text>
              {i.partners.length === 0 ? (
                <p className="mt-2 text-tremor-default text-tremor-content dark:text-dark-tremor-content">
                  No cross-ISP traffic with a known ISP in this period.
                </p>
              ) : (
                <Table className="mt-2">
                  <TableHead>
                    <TableRow>
                      <TableHeaderCell>Partner</TableHeaderCell>
                      <TableHeaderCell className="text-right">Received from</TableHeaderCell>
                      <TableHeaderCell className="text-right">Sent to</TableHeaderCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {i.partners.map((p) => (
                      <TableRow key={p.asn}>
                        <TableCell>
                          {p.isp || 'Unknown ISP'} <span className="text-tremor-content-subtle">AS{p.asn}</span>
                        </TableCell>
                        <TableCell className="text-right tabular-nums">{formatBytes(p.down, 2)}</TableCell>
                        <TableCell className="text-right tabular-nums">{formatBytes(p.up, 2)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </div>
            <div className="overflow-x-auto">
              <Text>Per day</Text>
              <Table className="mt-2" data-testid={`report-days-${i.asn}`}>
                <TableHead>
                  <TableRow>
                    <TableHeaderCell>Date</TableHeaderCell>
                    {COLUMNS.map((c) => (
                      <TableHeaderCell key={c.key} className="text-right">
                        {c.label}
                      </TableHeaderCell>
                    ))}
                  </TableRow>
                </TableHead>
                <TableBody>
                  {i.rows.map((r) => (
                    <TableRow key={String(r.date)}>
                      <TableCell>{r.date}</TableCell>
                      {COLUMNS.map((c) => (
                        <TableCell key={c.key} className="text-right tabular-nums">
                          {c.fmt(r[c.key] ?? null)}
                        </TableCell>
                      ))}
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          </div>
        </Card>
      ))}
    </div>
  );
}
