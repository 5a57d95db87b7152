'use client';

import { useState } from 'react';

export interface DataColumn {
  key: string;
  label: string;
  format: (v: number | null | undefined) => string;
}

/**
 * A chart's text alternative: "Show as a table" under it opens the same numbers as a table (a caption,
 * one row per point, a column per series, values in the chart's units). Keyboard- and screen-reader-
 * usable by being a native details/summary; the rows are rendered only while it is open, so a long series
 * costs nothing until someone asks for it.
 */
export function ChartDataTable({
  caption,
  rowHeader,
  rows,
  columns,
}: {
  caption: string;
  rowHeader: string;
  rows: { label: string; values: Record<string, number | string | null | undefined> }[];
  columns: DataColumn[];
}) {
  const [open, setOpen] = useState(false);
  if (rows.length === 0) return null;
  return (
    <details
      className="mt-1 text-tremor-label text-tremor-content dark:text-dark-tremor-content"
      onToggle={(e) => setOpen(e.currentTarget.open)}
      data-testid="chart-data-table"
    >
      <summary className="cursor-pointer select-none">Show as a table</summary>
      {open && (
        <div className="mt-2 max-h-80 overflow-auto">
          <table className="w-full text-left tabular-nums">
            <caption className="sr-only">{caption}</caption>
            <thead>
              <tr>
                <th scope="col" className="py-1 pr-4 font-medium">
                  {rowHeader}
                </th>
                {columns.map((c) => (
                  <th key={c.key} scope="col" className="py-1 pr-4 text-right font-medium">
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={`${r.label}-${i}`} className="border-t border-tremor-border dark:border-dark-tremor-border">
                  <th scope="row" className="py-0.5 pr-4 font-normal">
                    {r.label}
                  </th>
                  {columns.map((c) => {
                    const v = r.values[c.key];
                    return (
                      <td key={c.key} className="py-0.5 pr-4 text-right">
                        {typeof v === 'string' ? v : c.format(v)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
