import type { FilterKey } from '@/lib/filters';

export const BREAKDOWNS = ['deviceClass', 'p2pMode', 'asn', 'country', 'contentId', 'clientVersion', 'cohort'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

export const BREAKDOWN_LABEL: Record<Breakdown, string> = {
  deviceClass: 'Device class',
  p2pMode: 'P2P mode',
  asn: 'ISP',
  country: 'Country',
  contentId: 'Title',
  clientVersion: 'Client version',
  cohort: 'Cohort',
};

/** The filter a breakdown row sets when clicked (p2pMode is not a filter). */
export const BREAKDOWN_FILTER: Partial<Record<Breakdown, FilterKey>> = {
  deviceClass: 'deviceClass',
  asn: 'asn',
  country: 'country',
  contentId: 'contentId',
  clientVersion: 'clientVersion',
  cohort: 'cohort',
};

export function dimensionFromSearchParams(sp: URLSearchParams): Breakdown {
  const v = sp.get('by');
  return (BREAKDOWNS as readonly string[]).includes(v ?? '') ? (v as Breakdown) : 'deviceClass';
}
