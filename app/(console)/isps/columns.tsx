import type { Column } from '@/components/charts/sortable-table';

export interface IspFigures {
  asn: number;
  isp: string;
  deliveredCdn: number;
  p2pIntra: number;
  p2pIn: number;
  p2pOut: number;
  balance: number | null;
  offload: number | null;
  peakMbpsP95: number;
}

/** The ISP table's columns: the contract's per-ISP balance figures, each with its unit. */
export const ISP_COLUMNS: Column<IspFigures>[] = [
  { key: 'asn', label: 'ASN', value: (r) => r.asn, render: (r) => `AS${r.asn}` },
  { key: 'isp', label: 'ISP', value: (r) => r.isp || '—' },
  { key: 'cdn', label: 'Delivered CDN', unit: 'bytes', value: (r) => r.deliveredCdn },
  { key: 'intra', label: 'P2P intra', unit: 'bytes', value: (r) => r.p2pIntra },
  { key: 'in', label: 'P2P in', unit: 'bytes', value: (r) => r.p2pIn },
  { key: 'out', label: 'P2P out', unit: 'bytes', value: (r) => r.p2pOut },
  { key: 'balance', label: 'Balance (out ÷ in)', unit: 'ratio', value: (r) => r.balance },
  { key: 'offload', label: 'Offload', unit: 'percent', value: (r) => r.offload },
  { key: 'peak', label: 'Peak p95', unit: 'mbps', value: (r) => r.peakMbpsP95 },
];
