import { describe, expect, it } from 'vitest';
import { bucketWidth, bucketX, groupMarks, markLabel, type Annotation } from './marks';

const T0 = Date.parse('2026-12-03T12:00:00Z');
const MIN = 60_000;
/** Twelve 15-minute buckets: 12:00 … 14:45, the chart ends at 15:00. */
const STARTS = Array.from({ length: 12 }, (_, i) => T0 + i * 15 * MIN);
const at = (hhmmss: string, label: string): Annotation => ({ t: Date.parse(`2026-12-03T${hhmmss}Z`), label });

describe('groupMarks', () => {
  const changes = [
    at('14:05:10', 'mobile killed'),
    at('12:03:00', 'tablet killed'),
    at('14:05:40', 'desktop killed'),
    at('12:14:59', 'smart_tv 10% download'),
    at('12:15:00', 'smart_tv 20% download'),
    at('11:59:59', 'before the chart'),
    at('15:00:00', 'after the chart'),
  ];

  it('puts the changes of one bucket into one mark, oldest first, and drops those outside the chart', () => {
    const groups = groupMarks(changes, STARTS, 900);
    expect(groups.map((g) => [g.bucket, g.changes.map((c) => c.label)])).toEqual([
      [0, ['tablet killed', 'smart_tv 10% download']],
      [1, ['smart_tv 20% download']],
      [8, ['mobile killed', 'desktop killed']],
    ]);
  });

  it('merges marks fewer than minGapBuckets apart, at the earliest bucket', () => {
    expect(groupMarks(changes, STARTS, 900, 2).map((g) => [g.bucket, g.changes.length])).toEqual([
      [0, 3],
      [8, 2],
    ]);
    // 8 buckets between 12:00 and 14:00: a gap of 9 buckets folds everything into the first mark.
    expect(groupMarks(changes, STARTS, 900, 9).map((g) => [g.bucket, g.changes.length])).toEqual([[0, 5]]);
  });

  it('finds the bucket by its start when the series has holes', () => {
    const holes = [T0, T0 + 15 * MIN, T0 + 60 * MIN, T0 + 75 * MIN];
    expect(groupMarks([at('13:10:00', 'a'), at('12:40:00', 'b')], holes, 900).map((g) => g.bucket)).toEqual([1, 2]);
  });

  it('has no marks on a chart without data', () => {
    expect(groupMarks(changes, [], 900)).toEqual([]);
  });
});

describe('bucketX', () => {
  // The plot area of a 640 px wide chart with an 84 px y axis: 20 px padding either side of the points.
  const plot = { left: 84, top: 5, width: 556, height: 200 };

  it('spreads line points from edge to edge of the padded plot', () => {
    expect(bucketX(0, 12, plot, false)).toBe(104);
    expect(bucketX(11, 12, plot, false)).toBe(620);
    expect(bucketX(8, 12, plot, false)).toBeCloseTo(104 + (8 * 516) / 11, 9);
    expect(bucketWidth(12, plot, false)).toBeCloseTo(516 / 11, 9);
  });

  it('centres bars in their bands', () => {
    expect(bucketX(0, 12, plot, true)).toBe(104 + 21.5);
    expect(bucketX(11, 12, plot, true)).toBe(620 - 21.5);
    expect(bucketWidth(12, plot, true)).toBe(43);
  });
});

describe('markLabel', () => {
  it('names one change with its label, several with their count and time span', () => {
    expect(markLabel({ bucket: 0, changes: [at('12:03:00', 'tablet killed')] })).toBe(
      'Rollout change at 12-03 12:03 UTC: tablet killed',
    );
    expect(markLabel({ bucket: 8, changes: [at('14:05:10', 'a'), at('14:05:40', 'b'), at('14:05:59', 'c')] })).toBe(
      '3 rollout changes at 12-03 14:05 UTC',
    );
    expect(markLabel({ bucket: 0, changes: [at('12:03:00', 'a'), at('12:14:59', 'b')] })).toBe(
      '2 rollout changes from 12-03 12:03 to 12:14 UTC',
    );
  });
});
