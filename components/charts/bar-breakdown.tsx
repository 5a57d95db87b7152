'use client';

import { BarChart } from '@tremor/react';
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
      />
    </div>
  );
}
