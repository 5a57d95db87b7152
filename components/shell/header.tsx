'use client';

import { usePathname } from 'next/navigation';
import { useState } from 'react';
import { FILTER_KEYS, FILTER_LABEL, pageFilters, parseFilterValue, type FilterKey } from '@/lib/filter-params';
import { isRangePreset, PRESET_LABEL, RANGE_PRESETS } from '@/lib/range-params';
import { useViewParams } from '@/lib/use-view-params';

const inputCls =
  'rounded-tremor-small border border-tremor-border bg-tremor-background px-2 py-1 text-tremor-default dark:border-dark-tremor-border dark:bg-dark-tremor-background';

function toLocalInput(d: Date): string {
  const off = d.getTimezoneOffset() * 60_000;
  return new Date(d.getTime() - off).toISOString().slice(0, 16);
}

/** The global time range and filter chips (both live in the URL), on the pages whose figures use them. */
export function HeaderControls() {
  const applicable = pageFilters(usePathname());
  if (applicable === null) return <div />;
  // Keyed by the scope, so a filter key picked on one page is never offered where it does not apply.
  return <RangeAndFilters key={applicable.join()} applicable={applicable} />;
}

function RangeAndFilters({ applicable }: { applicable: readonly FilterKey[] }) {
  const { range, filters, setRange, setFilter } = useViewParams();
  const ignored = FILTER_KEYS.filter((k) => !applicable.includes(k));
  const isCustom = !('preset' in range);
  const [customFrom, setCustomFrom] = useState(() =>
    toLocalInput(isCustom ? range.from : new Date(Date.now() - 86_400_000)),
  );
  const [customTo, setCustomTo] = useState(() => toLocalInput(isCustom ? range.to : new Date()));
  const [showCustom, setShowCustom] = useState(isCustom);
  const [filterKey, setFilterKey] = useState<FilterKey>(applicable[0] ?? 'deviceClass');
  const [filterValue, setFilterValue] = useState('');
  const [filterError, setFilterError] = useState<string | null>(null);

  function applyFilter(e: React.FormEvent) {
    e.preventDefault();
    const parsed = parseFilterValue(filterKey, filterValue.trim());
    if (!parsed.ok) {
      setFilterError(`${FILTER_LABEL[filterKey]}: ${parsed.message}`);
      return;
    }
    setFilterError(null);
    setFilter(filterKey, parsed.value);
    setFilterValue('');
  }

  return (
    <div className="flex flex-wrap items-center gap-2">
      <label className="sr-only" htmlFor="time-range">
        Time range
      </label>
      <select
        id="time-range"
        data-testid="time-range"
        className={inputCls}
        value={isCustom || showCustom ? 'custom' : range.preset}
        onChange={(e) => {
          const v = e.target.value;
          if (v === 'custom') setShowCustom(true);
          else if (isRangePreset(v)) {
            setShowCustom(false);
            setRange({ preset: v });
          }
        }}
      >
        {RANGE_PRESETS.map((p) => (
          <option key={p} value={p}>
            {PRESET_LABEL[p]}
          </option>
        ))}
        <option value="custom">Custom…</option>
      </select>
      {(showCustom || isCustom) && (
        <form
          className="flex items-center gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            const from = new Date(customFrom);
            const to = new Date(customTo);
            if (!(from < to)) return;
            setRange({ from, to });
          }}
        >
          <input
            aria-label="From"
            type="datetime-local"
            className={inputCls}
            value={customFrom}
            onChange={(e) => setCustomFrom(e.target.value)}
          />
          <span aria-hidden>→</span>
          <input
            aria-label="To"
            type="datetime-local"
            className={inputCls}
            value={customTo}
            onChange={(e) => setCustomTo(e.target.value)}
          />
          <button type="submit" className={inputCls}>
            Apply
          </button>
        </form>
      )}
      <div className="flex flex-wrap items-center gap-1" data-testid="filter-chips">
        {FILTER_KEYS.filter((k) => filters[k] !== undefined).map((k) => (
          <span
            key={k}
            data-ignored={applicable.includes(k) ? undefined : true}
            title={applicable.includes(k) ? undefined : 'Not applied on this page'}
            className={`inline-flex items-center gap-1 rounded-tremor-full px-2 py-0.5 text-tremor-label ${
              applicable.includes(k)
                ? 'bg-tremor-brand-faint text-tremor-brand-emphasis dark:bg-dark-tremor-brand-faint dark:text-dark-tremor-brand-emphasis'
                : 'border border-dashed border-tremor-border text-tremor-content line-through dark:border-dark-tremor-border dark:text-dark-tremor-content'
            }`}
          >
            {FILTER_LABEL[k]}: {String(filters[k])}
            <button
              type="button"
              aria-label={`Remove ${FILTER_LABEL[k]} filter`}
              onClick={() => setFilter(k, undefined)}
            >
              ×
            </button>
          </span>
        ))}
      </div>
      {applicable.length > 0 && (
        <form onSubmit={applyFilter} className="flex items-center gap-1">
          <select
            aria-label="Filter by"
            className={inputCls}
            value={filterKey}
            onChange={(e) => setFilterKey(e.target.value as FilterKey)}
          >
            {applicable.map((k) => (
              <option key={k} value={k}>
                {FILTER_LABEL[k]}
              </option>
            ))}
          </select>
          <input
            aria-label="Filter value"
            className={`${inputCls} w-32`}
            placeholder="value"
            value={filterValue}
            onChange={(e) => setFilterValue(e.target.value)}
          />
          <button type="submit" className={inputCls}>
            + Filter
          </button>
        </form>
      )}
      {ignored.length > 0 && (
        <p
          data-testid="page-ignores-filters"
          className="text-tremor-label text-tremor-content dark:text-dark-tremor-content"
        >
          {applicable.length === 0 ? 'This page applies no filter' : 'This page ignores'}:{' '}
          {ignored.map((k) => FILTER_LABEL[k]).join(', ')}
        </p>
      )}
      {filterError && (
        <span role="alert" className="text-tremor-label text-red-600">
          {filterError}
        </span>
      )}
    </div>
  );
}
