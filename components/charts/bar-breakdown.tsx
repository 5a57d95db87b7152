'use client';

import { BarChart } from '@tremor/react';
import { ChartDataTable } from './data-table';
import { Legend } from './legend';
import { FORMAT, type Unit } from './theme';

/** Horizontal bars per category (e.g. bytes by source per device class), stacked when asked. */
export function BarBreakdown({
  data,
  index,
  categories,
  colors,
  unit,
  stack = false,
  height = 'h-72',
  testId,
}: {
  data: Record<string, string | number | null>[];
  index: string;
  categories: string[];
  colors: readonly string[];
  unit: Unit;
  stack?: boolean;
  height?: string;
  testId?: string;
}) {
  return (
    <div data-testid={testId} data-chart="bars">
      {categories.length > 1 && <Legend categories={categories} colors={colors} />}
      <BarChart
        data={data}
        index={index}
        categories={categories}
        colors={[...colors]}
        valueFormatter={(v: number) => FORMAT[unit](v)}
        layout="vertical"
        stack={stack}
        yAxisWidth={140}
        className={height}
        showLegend={false}
      />
      <ChartDataTable
        caption="The chart's values"
        rowHeader={index}
        rows={data.map((r) => ({ label: String(r[index] ?? '—'), values: r }))}
        columns={categories.map((c) => ({ key: c, label: c, format: FORMAT[unit] }))}
      />
    </div>
  );
}
