'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { filtersFromSearchParams, filtersToSearchParams, listFromSearchParams, type FilterKey } from './filter-params';
import type { Filters } from './filter-schema';
import { rangeFromSearchParams, rangeToSearchParams } from './range-params';
import type { TimeRangeInput } from './time-range';

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

  const setRange = useCallback(
    (r: TimeRangeInput) => push(rangeToSearchParams(r, new URLSearchParams(key))),
    [push, key],
  );
  const setFilters = useCallback((f: Filters) => push(filtersToSearchParams(f, new URLSearchParams(key))), [push, key]);
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

/** A server-paged list's sort, page and search in the URL (see listFromSearchParams). */
export function useListParams<S extends string>(sorts: readonly S[], defaultSort: S) {
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const key = sp.toString();
  const list = useMemo(
    () => listFromSearchParams(new URLSearchParams(key), sorts, defaultSort),
    [key, sorts, defaultSort],
  );
  const update = useCallback(
    (changes: Record<string, string | undefined>) => {
      const next = new URLSearchParams(key);
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined || v === '') next.delete(k);
        else next.set(k, v);
      }
      const qs = next.toString();
      router.push(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [router, pathname, key],
  );
  return {
    ...list,
    page: list.offset / list.limit + 1,
    // A new sort or search starts again at the first page.
    setSort: (sort: S, desc: boolean) => update({ sort, dir: desc ? undefined : 'asc', page: undefined }),
    setSearch: (q: string) => update({ q: q.trim() || undefined, page: undefined }),
    setPage: (page: number) => update({ page: page > 1 ? String(page) : undefined }),
  };
}
