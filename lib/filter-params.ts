import type { Filters } from './filter-schema';
import { DEVICE_CLASSES, UINT32_MAX, type DeviceClass } from './telemetry/enums';

// Without zod: the browser's header, views and lists read this. ./filter-schema has the `Filters` schema
// the server parses input with; filter-params.test.ts holds the two together.

export { DEVICE_CLASSES, P2P_MODES, type DeviceClass, type P2pMode } from './telemetry/enums';

export const DEVICE_CLASS_LABEL: Record<DeviceClass, string> = {
  smart_tv: 'Smart TV',
  streaming_stick: 'Streaming stick',
  game_console: 'Game console',
  set_top_box: 'Set-top box',
  desktop: 'Desktop',
  mobile: 'Mobile',
  tablet: 'Tablet',
};

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

/** The longest text each free-text filter takes, in code points as zod counts them (a surrogate pair is one). */
const TEXT_MAX = { contentId: 128, clientVersion: 32, cohort: 32 } as const;

/**
 * One filter's value from text (the URL, the header's box), accepted and converted exactly as the
 * `Filters` schema's field accepts it; otherwise what a valid value looks like.
 */
export function parseFilterValue<K extends FilterKey>(
  key: K,
  raw: string,
): { ok: true; value: NonNullable<Filters[K]> } | { ok: false; message: string } {
  const ok = (value: unknown) => ({ ok: true as const, value: value as NonNullable<Filters[K]> });
  switch (key) {
    case 'deviceClass':
      return (DEVICE_CLASSES as readonly string[]).includes(raw)
        ? ok(raw)
        : { ok: false, message: `one of ${DEVICE_CLASSES.join(', ')}` };
    case 'asn': {
      const n = Number(raw);
      return Number.isSafeInteger(n) && n >= 0 && n <= UINT32_MAX
        ? ok(n)
        : { ok: false, message: `a whole number from 0 to ${UINT32_MAX}` };
    }
    case 'country':
      return /^[A-Z]{2}$/.test(raw) ? ok(raw) : { ok: false, message: 'a two-letter country code' };
    default: {
      const max = TEXT_MAX[key as keyof typeof TEXT_MAX];
      const n = [...raw].length;
      return n >= 1 && n <= max ? ok(raw) : { ok: false, message: `1 to ${max} characters` };
    }
  }
}

/** Parse the filters from URL search params, dropping any value that does not validate. */
export function filtersFromSearchParams(sp: URLSearchParams): Filters {
  const out: Record<string, unknown> = {};
  for (const key of FILTER_KEYS) {
    const raw = sp.get(key);
    if (raw === null || raw === '') continue;
    const parsed = parseFilterValue(key, raw);
    if (parsed.ok) out[key] = parsed.value;
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
