'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { filtersFromSearchParams, filtersToSearchParams, type FilterKey, type Filters } from './filters';
import { rangeFromSearchParams, rangeToSearchParams, type TimeRangeInput } from './time-range';

/** The view's time range and filters, read from and written to the URL so a view can be shared. */
export function useViewParams() {
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const key = sp.toString();
  const range = useMemo(() => rangeFromSearchParams(new URLSearchParams(key)), [key]);
  const filters = useMemo(() => filtersFromSearchParams(new URLSearchParams(key)), [key]);

  const push = useCallback(
    (next: URLSearchParams) => {
      const qs = next.toString();
      router.push(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [router, pathname],
  );

  const setRange = useCallback((r: TimeRangeInput) => push(rangeToSearchParams(r, new URLSearchParams(key))), [push, key]);
  const setFilters = useCallback(
    (f: Filters) => push(filtersToSearchParams(f, new URLSearchParams(key))),
    [push, key],
  );
  const setFilter = useCallback(
    (k: FilterKey, v: string | number | undefined) => {
      const next = new URLSearchParams(key);
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, String(v));
      push(next);
    },
    [push, key],
  );
  return { range, filters, setRange, setFilters, setFilter };
}
