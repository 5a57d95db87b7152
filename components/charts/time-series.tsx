'use client';

import { AreaChart, BarChart, LineChart } from '@tremor/react';
import { FORMAT, timeLabel, type Unit } from './theme';

/** A marker under the chart (e.g. a rollout config change), at time `t` (ms). */
export interface Annotation {
  t: number;
  label: string;
}

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
  const first = data[0]?.t ?? 0;
  const end = (data[data.length - 1]?.t ?? 0) + stepSeconds * 1000;
  const marks = annotations.filter((a) => a.t >= first && a.t < end);
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
  };
  return (
    <div data-testid={testId} data-chart="time-series">
      {kind === 'line' ? (
        <LineChart {...common} />
      ) : kind === 'bar' ? (
        <BarChart {...common} stack={stack} />
      ) : (
        <AreaChart {...common} stack={stack} />
      )}
      {marks.length > 0 && (
        <ul
          data-testid="chart-annotations"
          className="mt-2 flex flex-wrap gap-2 text-tremor-label"
          aria-label="Rollout changes in this range"
        >
          {marks.map((a, i) => (
            <li
              key={`${a.t}-${i}`}
              className="rounded-tremor-small border border-amber-300 bg-amber-50 px-1.5 py-0.5 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
            >
              ▲ {new Date(a.t).toISOString().slice(5, 16).replace('T', ' ')} UTC · {a.label}
            </li>
          ))}
        </ul>
      )}
      <p className="mt-1 text-right text-tremor-label text-tremor-content dark:text-dark-tremor-content">
        UTC · {stepSeconds >= 3600 ? `${stepSeconds / 3600} h` : `${stepSeconds / 60} min`} buckets
      </p>
    </div>
  );
}
