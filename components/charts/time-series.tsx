'use client';

import type { AreaChart, BarChart, LineChart } from '@tremor/react';
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

/**
 * One of Tremor's three cartesian charts, passed in by the page (`chart={LineChart}`): each page's bundle
 * then holds only the chart kinds it draws — the Overview draws no bar or line chart, QoE no area or bar
 * (README "Dashboards → Page weight").
 */
export type SeriesChart = typeof AreaChart | typeof BarChart | typeof LineChart;

/** A time-series chart: area (optionally stacked), line or bar, with unit-formatted values and UTC time labels. */
export function TimeSeriesChart({
  data,
  categories,
  colors,
  unit,
  stepSeconds,
  chart: Chart,
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
  chart: SeriesChart;
  /** Stacked areas or bars (a line chart does not stack). */
  stack?: boolean;
  height?: string;
  testId?: string;
  annotations?: Annotation[];
}) {
  const box = useRef<HTMLDivElement>(null);
  // Tremor names its components; comparing the name keeps BarChart itself out of pages without one.
  const bars = Chart.displayName === 'BarChart';
  const Drawn = Chart as typeof AreaChart; // its props are a superset of the three's common ones
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
        {Chart.displayName === 'LineChart' ? <Drawn {...common} /> : <Drawn {...common} stack={stack} />}
        <ChartMarks
          box={box}
          chart={chart}
          annotations={annotations}
          starts={data.map((p) => p.t)}
          stepSeconds={stepSeconds}
          band={bars}
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
