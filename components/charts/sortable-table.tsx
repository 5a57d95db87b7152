'use client';

import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@tremor/react';
import { useMemo, useState } from 'react';
import { FORMAT, type Unit } from './theme';

export interface Column<R> {
  key: string;
  label: string;
  value: (r: R) => number | string | null;
  unit?: Unit;
  /** A long text column that gives way to the figures: cut with an ellipsis, the full text on hover. */
  truncate?: boolean;
  render?: (r: R) => React.ReactNode;
}

/**
 * A table sortable by any column (click a header); a row click calls `onRowClick` (drill-down). With
 * `serverSort` the rows arrive sorted (one page of a server-side list) and a header click asks for a new order.
 */
export function SortableTable<R>({
  rows,
  columns,
  rowKey,
  onRowClick,
  initialSort,
  serverSort,
  testId,
  rowTitle,
}: {
  rows: R[];
  columns: Column<R>[];
  rowKey: (r: R) => string;
  onRowClick?: (r: R) => void;
  initialSort?: { key: string; desc: boolean };
  serverSort?: { key: string; desc: boolean; onChange: (key: string, desc: boolean) => void };
  testId?: string;
  rowTitle?: string;
}) {
  const [localSort, setLocalSort] = useState(initialSort ?? { key: columns[0]!.key, desc: false });
  const sort = serverSort ?? localSort;
  const setSort = (f: (s: { key: string; desc: boolean }) => { key: string; desc: boolean }) => {
    const next = f(sort);
    if (serverSort) serverSort.onChange(next.key, next.desc);
    else setLocalSort(next);
  };
  const sorted = useMemo(() => {
    if (serverSort) return rows;
    const col = columns.find((c) => c.key === sort.key) ?? columns[0]!;
    const out = [...rows].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sort.desc ? -c : c;
    });
    return out;
  }, [rows, columns, sort, serverSort]);
  return (
    <div className="overflow-x-auto" data-testid={testId}>
      <Table>
        <TableHead>
          <TableRow>
            {columns.map((c) => (
              <TableHeaderCell
                key={c.key}
                className={c.unit ? 'text-right' : ''}
                aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
              >
                <button
                  type="button"
                  data-sort={c.key}
                  className="font-semibold hover:text-tremor-brand dark:hover:text-dark-tremor-brand-emphasis"
                  onClick={() => setSort((s) => ({ key: c.key, desc: s.key === c.key ? !s.desc : true }))}
                >
                  {c.label}
                  {sort.key === c.key ? (sort.desc ? ' ↓' : ' ↑') : ''}
                </button>
              </TableHeaderCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {sorted.map((r) => (
            <TableRow
              key={rowKey(r)}
              data-row={rowKey(r)}
              title={rowTitle}
              className={
                onRowClick
                  ? 'cursor-pointer hover:bg-tremor-background-muted dark:hover:bg-dark-tremor-background-muted'
                  : ''
              }
              onClick={onRowClick ? () => onRowClick(r) : undefined}
            >
              {columns.map((c, i) => (
                <TableCell key={c.key} className={c.unit ? 'whitespace-nowrap text-right tabular-nums' : ''}>
                  {i === 0 && onRowClick ? (
                    // The row's action, reachable by keyboard: the first cell is a button doing what a row click does.
                    <button
                      type="button"
                      className="text-left font-medium text-tremor-content-emphasis underline-offset-2 hover:underline focus-visible:underline dark:text-dark-tremor-content-emphasis"
                      onClick={(e) => {
                        e.stopPropagation();
                        onRowClick(r);
                      }}
                    >
                      {c.render ? c.render(r) : String(c.value(r) ?? '—')}
                    </button>
                  ) : c.truncate ? (
                    // Table cells ignore max-width; a block inside them does not.
                    <span className="block max-w-[11rem] truncate" title={String(c.value(r) ?? '')}>
                      {c.render ? c.render(r) : String(c.value(r) ?? '—')}
                    </span>
                  ) : c.render ? (
                    c.render(r)
                  ) : c.unit ? (
                    FORMAT[c.unit](c.value(r) as number | null)
                  ) : (
                    String(c.value(r) ?? '—')
                  )}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
