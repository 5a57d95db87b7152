'use client';

import { useState } from 'react';
import { formatCount } from '@/lib/format';

const cls =
  'rounded-tremor-small border border-tremor-border bg-tremor-background px-2 py-1 text-tremor-default disabled:opacity-50 dark:border-dark-tremor-border dark:bg-dark-tremor-background';

/** A search box for a server-side list: submits on Enter, so each keystroke is not a query. */
export function ListSearch({
  value,
  onSearch,
  label,
  testId,
}: {
  value: string;
  onSearch: (q: string) => void;
  label: string;
  testId?: string;
}) {
  const [q, setQ] = useState(value);
  return (
    <form
      role="search"
      className="flex items-center gap-1"
      data-testid={testId}
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(q);
      }}
    >
      <input
        type="search"
        aria-label={label}
        placeholder={label}
        className={`${cls} w-56`}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <button type="submit" className={cls}>
        Search
      </button>
    </form>
  );
}

/** Previous / next through a server-side list, with where the page is in it. */
export function Pager({
  offset,
  limit,
  total,
  shown,
  onPage,
  testId,
}: {
  offset: number;
  limit: number;
  total: number;
  shown: number;
  onPage: (page: number) => void;
  testId?: string;
}) {
  const page = offset / limit + 1;
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <nav
      aria-label="Pages"
      className="mt-3 flex items-center justify-end gap-2 text-tremor-default"
      data-testid={testId}
    >
      <span
        data-testid={testId ? `${testId}-range` : undefined}
        className="text-tremor-content-emphasis dark:text-dark-tremor-content-emphasis"
      >
        {shown === 0
          ? `none of ${formatCount(total)}`
          : `${formatCount(offset + 1)}–${formatCount(offset + shown)} of ${formatCount(total)}`}
      </span>
      <button type="button" className={cls} disabled={page <= 1} onClick={() => onPage(Math.min(page - 1, pages))}>
        ← Previous
      </button>
      <button type="button" className={cls} disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next →
      </button>
    </nav>
  );
}
