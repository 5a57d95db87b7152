'use client';

import { AreaChart, BarChart, LineChart } from '@tremor/react';
import { FORMAT, timeLabel, type Unit } from './theme';

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
}) {
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
      {kind === 'line' ? <LineChart {...common} /> : kind === 'bar' ? <BarChart {...common} stack={stack} /> : <AreaChart {...common} stack={stack} />}
      <p className="mt-1 text-right text-tremor-label text-tremor-content dark:text-dark-tremor-content">UTC · {stepSeconds >= 3600 ? `${stepSeconds / 3600} h` : `${stepSeconds / 60} min`} buckets</p>
    </div>
  );
}
