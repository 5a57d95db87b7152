'use client';

import { FORMAT, type Unit } from './theme';

/** A matrix heatmap in SVG (rows × columns), cell opacity by value; labels on both axes. */
export function Heatmap({
  rows,
  cols,
  cells,
  unit,
  rowTitle,
  colTitle,
  testId,
}: {
  rows: { key: number | string; label: string }[];
  cols: { key: number | string; label: string }[];
  cells: { row: number | string; col: number | string; value: number }[];
  unit: Unit;
  rowTitle: string;
  colTitle: string;
  testId?: string;
}) {
  const cell = 44;
  const left = 150;
  const top = 120;
  const max = Math.max(1, ...cells.map((c) => c.value));
  const at = new Map(cells.map((c) => [`${c.row}|${c.col}`, c.value]));
  const w = left + cols.length * cell + 10;
  const h = top + rows.length * cell + 10;
  return (
    <div className="overflow-x-auto" data-testid={testId} data-chart="heatmap">
      <svg
        width={w}
        height={h}
        role="img"
        aria-label={`${rowTitle} × ${colTitle}`}
        className="text-tremor-content dark:text-dark-tremor-content"
      >
        <text x={4} y={14} className="fill-current text-[11px]">
          rows: {rowTitle} · columns: {colTitle}
        </text>
        {cols.map((c, i) => (
          <text
            key={String(c.key)}
            transform={`translate(${left + i * cell + cell / 2}, ${top - 6}) rotate(-50)`}
            className="fill-current text-[11px]"
          >
            {c.label}
          </text>
        ))}
        {rows.map((r, j) => (
          <g key={String(r.key)}>
            <text x={left - 6} y={top + j * cell + cell / 2 + 4} textAnchor="end" className="fill-current text-[11px]">
              {r.label}
            </text>
            {cols.map((c, i) => {
              const v = at.get(`${r.key}|${c.key}`) ?? 0;
              return (
                <rect
                  key={String(c.key)}
                  x={left + i * cell}
                  y={top + j * cell}
                  width={cell - 2}
                  height={cell - 2}
                  rx={3}
                  className="fill-blue-500"
                  fillOpacity={v === 0 ? 0.04 : 0.15 + 0.85 * (v / max)}
                >
                  <title>{`${r.label} ← ${c.label}: ${FORMAT[unit](v)}`}</title>
                </rect>
              );
            })}
          </g>
        ))}
      </svg>
    </div>
  );
}
