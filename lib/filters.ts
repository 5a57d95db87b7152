// The dashboard filters: the zod schema the server parses input with (./filter-schema) and everything
// the browser needs without zod (./filter-params). Only re-exports, so the bundler sees a module without
// side effects and a client component importing, say, a sort key list from here gets ./filter-params
// alone: zod stays out of the browser.
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
