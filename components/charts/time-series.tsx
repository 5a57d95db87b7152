'use client';

import { AreaChart, BarChart, LineChart } from '@tremor/react';
import { useRef } from 'react';
import { ChartMarks } from './chart-marks';
import { ChartDataTable } from './data-table';
import { Legend, MUTED } from './legend';
import { X_PADDING, type Annotation } from './marks';
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
  const bucket = stepSeconds >= 3600 ? `${stepSeconds / 3600} h` : `${stepSeconds / 60} min`;
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
      <p className={`mt-1 text-right text-tremor-label ${MUTED}`}>UTC · {bucket} buckets</p>
      <ChartDataTable
        caption={`The chart's values per ${bucket} bucket (UTC)`}
        rowHeader="Time (UTC)"
        rows={rows.map((r) => ({ label: r.time, values: r }))}
        columns={categories.map((c) => ({ key: c, label: c, format: FORMAT[unit] }))}
      />
    </div>
  );
}
