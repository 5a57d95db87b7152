'use client';

import { AreaChart, BarChart, LineChart } from '@tremor/react';
import { useRef } from 'react';
import { ChartMarks } from './chart-marks';
import { X_PADDING, type Annotation } from './marks';
import { FORMAT, timeLabel, type Unit } from './theme';

/** Secondary text readable on both themes' cards (Tremor's dark content grey is below 4.5:1 on them). */
const MUTED = 'text-tremor-content dark:text-gray-400';

export interface TimePoint {
  t: number;
  [category: string]: number | null;
}

/** A time-series chart: area (optionally stacked), line or bar, with unit-formatted values and UTC time labels. */
export function TimeSeriesChart({
  data,
  categories,
  colors,
  unit,
  stepSeconds,
  kind = 'area',
  stack = false,
  height = 'h-72',
  testId,
  annotations = [],
}: {
  data: TimePoint[];
  categories: string[];
  colors: readonly string[];
  unit: Unit;
  stepSeconds: number;
  kind?: 'area' | 'line' | 'bar';
  stack?: boolean;
  height?: string;
  testId?: string;
  annotations?: Annotation[];
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<HTMLDivElement>(null);
  const rows = data.map((p) => ({ ...p, time: `${timeLabel(p.t, stepSeconds)}` }));
  const common = {
    data: rows,
    index: 'time',
    categories,
    colors: [...colors],
    valueFormatter: (v: number) => FORMAT[unit](v),
    yAxisWidth: 84,
    className: height,
    connectNulls: true,
    padding: { left: X_PADDING, right: X_PADDING },
    showLegend: false,
    ref: chart,
  };
  return (
    <div data-testid={testId} data-chart="time-series">
      <Legend categories={categories} colors={colors} />
      <div ref={box} className="relative">
        {kind === 'line' ? (
          <LineChart {...common} />
        ) : kind === 'bar' ? (
          <BarChart {...common} stack={stack} />
        ) : (
          <AreaChart {...common} stack={stack} />
        )}
        <ChartMarks
          box={box}
          chart={chart}
          annotations={annotations}
          starts={data.map((p) => p.t)}
          stepSeconds={stepSeconds}
          band={kind === 'bar'}
        />
      </div>
      <p className={`mt-1 text-right text-tremor-label ${MUTED}`}>
        UTC · {stepSeconds >= 3600 ? `${stepSeconds / 3600} h` : `${stepSeconds / 60} min`} buckets
      </p>
    </div>
  );
}

/**
 * The series names above the chart, in place of Tremor's legend, whose items are not inside their list
 * (axe: listitem) and whose dark grey falls short of AA contrast. Colours cycle as Tremor's do.
 */
function Legend({ categories, colors }: { categories: string[]; colors: readonly string[] }) {
  if (categories.length === 0) return null;
  return (
    <ul aria-label="Series" className="mb-2 flex flex-wrap justify-end gap-x-4 gap-y-1 text-tremor-default">
      {categories.map((c, i) => (
        <li key={c} className={`inline-flex items-center gap-1.5 whitespace-nowrap ${MUTED}`}>
          <span aria-hidden="true" className={`h-2 w-2 flex-none rounded-full bg-${colors[i % colors.length]}-500`} />
          {c}
        </li>
      ))}
    </ul>
  );
}
