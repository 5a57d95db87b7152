import { z } from 'zod';

// The contract's enums have one home: the telemetry schema.
import { DeviceClass } from './telemetry/schema';
export { DEVICE_CLASSES, DeviceClass, P2P_MODES, P2pMode } from './telemetry/schema';

export const DEVICE_CLASS_LABEL: Record<DeviceClass, string> = {
  smart_tv: 'Smart TV',
  streaming_stick: 'Streaming stick',
  game_console: 'Game console',
  set_top_box: 'Set-top box',
  desktop: 'Desktop',
  mobile: 'Mobile',
  tablet: 'Tablet',
};

/** The dashboard filters, as the URL holds them. Every key is optional; values are exact matches. */
export const Filters = z.object({
  deviceClass: DeviceClass.optional(),
  asn: z.coerce.number().int().min(0).max(4_294_967_295).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'a two-letter country code')
    .optional(),
  contentId: z.string().min(1).max(128).optional(),
  clientVersion: z.string().min(1).max(32).optional(),
  cohort: z.string().min(1).max(32).optional(),
});
export type Filters = z.infer<typeof Filters>;

export const FILTER_KEYS = ['deviceClass', 'asn', 'country', 'contentId', 'clientVersion', 'cohort'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export const FILTER_LABEL: Record<FilterKey, string> = {
  deviceClass: 'Device class',
  asn: 'ISP (ASN)',
  country: 'Country',
  contentId: 'Title',
  clientVersion: 'Client version',
  cohort: 'Cohort',
};

/** Parse the filters from URL search params, dropping any value that does not validate. */
export function filtersFromSearchParams(sp: URLSearchParams): Filters {
  const out: Record<string, unknown> = {};
  for (const key of FILTER_KEYS) {
    const raw = sp.get(key);
    if (raw === null || raw === '') continue;
    const parsed = Filters.shape[key].safeParse(raw);
    if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
  }
  return out as Filters;
}

export function filtersToSearchParams(filters: Filters, sp: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(sp);
  for (const key of FILTER_KEYS) {
    const v = filters[key];
    if (v === undefined) out.delete(key);
    else out.set(key, String(v));
  }
  return out;
}

/**
 * Which part of the global bar each console page uses: the filters its figures apply (`null`: the page
 * has no time range nor filters, so the bar is not shown). A page lists the filters it ignores beside
 * the bar; the dashboards' rollup families decide this (swarm figures are kept per swarm and title,
 * ISP figures per ASN), and a unit test holds the two together.
 */
export const PAGE_FILTERS: Record<string, readonly FilterKey[] | null> = {
  '/overview': FILTER_KEYS,
  '/offload': FILTER_KEYS,
  '/qoe': FILTER_KEYS,
  '/swarms': ['contentId'],
  '/isps': ['asn'],
  // One ISP's page: its ASN is in the path, and its figures come from the per-ASN rollups.
  '/isps/': [],
};

/** The bar's scope for a path; pages not listed (rollouts, reports, audit, settings) have none. */
export function pageFilters(pathname: string): readonly FilterKey[] | null {
  if (pathname in PAGE_FILTERS) return PAGE_FILTERS[pathname]!;
  if (pathname.startsWith('/isps/')) return PAGE_FILTERS['/isps/']!;
  return null;
}

/** The columns the swarms list sorts by on the server (the SQL behind each lives with the query). */
export const SWARM_SORT_KEYS = [
  'peers',
  'uploading',
  'connected',
  'success',
  'offload',
  'updown',
  'p2p',
  'swarm',
  'title',
] as const;
export type SwarmSortKey = (typeof SWARM_SORT_KEYS)[number];
export const LIST_PAGE_SIZE = 50;

/** A server-paged list's sort, direction, page and search, as the URL holds them (`sort`, `dir`, `page`, `q`). */
export function listFromSearchParams<S extends string>(sp: URLSearchParams, sorts: readonly S[], defaultSort: S) {
  const sortRaw = sp.get('sort') as S | null;
  const sort = sortRaw !== null && sorts.includes(sortRaw) ? sortRaw : defaultSort;
  const page = Number(sp.get('page'));
  const pageIndex = Number.isInteger(page) && page >= 1 && page <= 100_000 ? page - 1 : 0;
  return {
    sort,
    desc: sp.get('dir') !== 'asc',
    offset: pageIndex * LIST_PAGE_SIZE,
    limit: LIST_PAGE_SIZE,
    q: (sp.get('q') ?? '').trim().slice(0, 128),
  };
}

/** The columns the ISPs list sorts by on the server (the table's columns). */
export const ISP_SORT_KEYS = ['asn', 'isp', 'cdn', 'intra', 'in', 'out', 'balance', 'offload', 'peak'] as const;
export type IspSortKey = (typeof ISP_SORT_KEYS)[number];

/** The columns a breakdown (by title, ISP, device class, …) sorts by on the server. */
export const BREAKDOWN_SORT_KEYS = ['label', 'cdn', 'p2p', 'total', 'share', 'offload', 'up'] as const;
export type BreakdownSortKey = (typeof BREAKDOWN_SORT_KEYS)[number];

/** The longest search the ISPs, breakdown and audit lists take. */
export const LIST_Q_MAX = 100;
