/** A rollout config change to mark on a chart's time axis, at time `t` (ms). */
export interface Annotation {
  t: number;
  label: string;
}

/** One mark on the time axis: the changes of one bucket, or of neighbouring buckets too close to tell apart. */
export interface MarkGroup {
  /** Index of the bucket (data point) the mark stands at: its earliest change's. */
  bucket: number;
  /** Oldest first. */
  changes: Annotation[];
}

/** Tremor's default x-axis padding, set explicitly on every time-series chart so the marks can rely on it. */
export const X_PADDING = 20;

/** Marks closer than this (px) merge into one: the hit area of a mark is 24 px wide (WCAG 2.5.8). */
export const MIN_MARK_GAP_PX = 28;

/**
 * Groups changes into marks. `starts` are the chart's bucket starts (ms, ascending), each bucket
 * `stepSeconds` long; changes outside [starts[0], last start + step) are dropped. A change joins the
 * current mark when its bucket is fewer than `minGapBuckets` buckets after the mark's own.
 */
export function groupMarks(
  annotations: readonly Annotation[],
  starts: readonly number[],
  stepSeconds: number,
  minGapBuckets = 1,
): MarkGroup[] {
  if (starts.length === 0) return [];
  const end = starts[starts.length - 1]! + stepSeconds * 1000;
  const sorted = annotations.filter((a) => a.t >= starts[0]! && a.t < end).sort((a, b) => a.t - b.t);
  const groups: MarkGroup[] = [];
  let i = 0;
  for (const a of sorted) {
    while (i + 1 < starts.length && starts[i + 1]! <= a.t) i++;
    const last = groups[groups.length - 1];
    if (last && i - last.bucket < Math.max(1, minGapBuckets)) last.changes.push(a);
    else groups.push({ bucket: i, changes: [a] });
  }
  return groups;
}

export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Where a bucket's data point sits across the plot area: Recharts places a categorical x axis on a
 * point scale for line and area charts (first and last point on the padded edges) and on a band scale
 * for bar charts (each bar centred in its band).
 */
export function bucketX(bucket: number, count: number, plot: PlotArea, band: boolean): number {
  const lo = plot.left + X_PADDING;
  const span = plot.width - 2 * X_PADDING;
  if (band) return lo + ((bucket + 0.5) * span) / count;
  return count > 1 ? lo + (bucket * span) / (count - 1) : lo + span / 2;
}

/** The distance between two neighbouring data points (px). */
export function bucketWidth(count: number, plot: PlotArea, band: boolean): number {
  const span = plot.width - 2 * X_PADDING;
  return band || count < 2 ? span / Math.max(1, count) : span / (count - 1);
}

/** `12-03 14:05` in UTC. */
export function utcMinute(ms: number): string {
  return new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
}

/** What a mark says to a screen reader (and what its button is named). */
export function markLabel(g: MarkGroup): string {
  const first = g.changes[0]!;
  const last = g.changes[g.changes.length - 1]!;
  if (g.changes.length === 1) return `Rollout change at ${utcMinute(first.t)} UTC: ${first.label}`;
  const from = utcMinute(first.t);
  const to = utcMinute(last.t);
  const when = from === to ? `at ${from}` : `from ${from} to ${from.slice(0, 5) === to.slice(0, 5) ? to.slice(6) : to}`;
  return `${g.changes.length} rollout changes ${when} UTC`;
}
