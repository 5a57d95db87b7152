// The dashboard filters, for the server: the zod schema it parses input with (./filter-schema) and the
// zod-free rest (./filter-params). Client code imports ./filter-params itself — through here the schema
// module comes along: Turbopack keeps its z.object(…) call as a side effect, and zod with it.
export {
  BREAKDOWN_SORT_KEYS,
  DEVICE_CLASS_LABEL,
  DEVICE_CLASSES,
  FILTER_KEYS,
  FILTER_LABEL,
  filtersFromSearchParams,
  filtersToSearchParams,
  ISP_SORT_KEYS,
  LIST_PAGE_SIZE,
  LIST_Q_MAX,
  listFromSearchParams,
  P2P_MODES,
  PAGE_FILTERS,
  pageFilters,
  parseFilterValue,
  SWARM_SORT_KEYS,
  type BreakdownSortKey,
  type FilterKey,
  type IspSortKey,
  type SwarmSortKey,
} from './filter-params';
export { DeviceClass, P2pMode } from './telemetry/schema';
export { Filters } from './filter-schema';
