'use client';

import { Card, Flex, Metric, SparkAreaChart, Text } from '@tremor/react';
import { DeltaBadge, type DeltaType } from '../ui/delta-badge';
import { FORMAT, type Unit } from './theme';

/** A headline number with its unit, the change against the previous period and a sparkline. */
export function KpiTile({
  title,
  value,
  previous,
  unit,
  spark,
  color = 'blue',
  higherIsBetter = true,
  detail,
  testId,
}: {
  title: string;
  value: number | null;
  previous: number | null;
  unit: Unit;
  spark: { t: number; v: number | null }[];
  color?: string;
  higherIsBetter?: boolean;
  detail?: React.ReactNode;
  testId?: string;
}) {
  const change = value !== null && previous !== null && previous !== 0 ? (value - previous) / Math.abs(previous) : null;
  const good = change === null ? null : higherIsBetter ? change >= 0 : change <= 0;
  const deltaType: DeltaType =
    change === null || Math.abs(change) < 0.005
      ? 'unchanged'
      : change > 0
        ? good
          ? 'increase'
          : 'moderateIncrease'
        : good
          ? 'moderateDecrease'
          : 'decrease';
  return (
    <Card data-testid={testId} decoration="top" decorationColor={color}>
      <Text>{title}</Text>
      {/* The badge wraps below a long figure rather than squeezing it: a value and its unit stay on one line. */}
      <Flex justifyContent="between" alignItems="end" className="mt-1 flex-wrap gap-2">
        <div data-testid={testId ? `${testId}-value` : undefined} data-figure className="min-w-0">
          <Metric className="whitespace-nowrap">{FORMAT[unit](value)}</Metric>
        </div>
        <DeltaBadge deltaType={deltaType} title="change vs the previous period of the same length">
          {change === null ? '—' : `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} %`}
        </DeltaBadge>
      </Flex>
      {detail && (
        <div className="mt-1 text-tremor-default text-tremor-content dark:text-dark-tremor-content">{detail}</div>
      )}
      <SparkAreaChart
        data={spark.map((p) => ({ t: p.t, v: p.v ?? 0 }))}
        index="t"
        categories={['v']}
        colors={[color]}
        className="mt-3 h-10 w-full"
      />
      <Text className="mt-1">
        previous period: <span className="whitespace-nowrap">{FORMAT[unit](previous)}</span>
      </Text>
    </Card>
  );
}
