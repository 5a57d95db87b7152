'use client';

import { useEffect, useId, useState, type RefObject } from 'react';
import {
  bucketWidth,
  bucketX,
  groupMarks,
  markLabel,
  MIN_MARK_GAP_PX,
  type Annotation,
  type MarkGroup,
  type PlotArea,
} from './marks';

/**
 * The plot area of the Recharts chart inside `chart`, relative to `box`, measured from its grid: the
 * axes are only laid out once Recharts has drawn, so it is measured again whenever the chart
 * redraws or resizes.
 */
function usePlotArea(
  box: RefObject<HTMLElement | null>,
  chart: RefObject<HTMLElement | null>,
  active: boolean,
): PlotArea | null {
  const [plot, setPlot] = useState<PlotArea | null>(null);
  useEffect(() => {
    const outer = box.current;
    const inner = chart.current;
    if (!active || !outer || !inner) return;
    let frame = 0;
    const measure = () => {
      frame = 0;
      const grid = inner.querySelector('.recharts-cartesian-grid');
      const g = grid?.getBoundingClientRect();
      if (!g || g.width === 0 || g.height === 0) return setPlot(null);
      const o = outer.getBoundingClientRect();
      const next = { left: g.left - o.left, top: g.top - o.top, width: g.width, height: g.height };
      setPlot((p) =>
        p && (['left', 'top', 'width', 'height'] as const).every((k) => Math.abs(p[k] - next[k]) < 0.5) ? p : next,
      );
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(measure);
    };
    measure();
    const resize = new ResizeObserver(schedule);
    resize.observe(inner);
    const redraw = new MutationObserver(schedule);
    redraw.observe(inner, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['x1', 'x2', 'y1', 'y2'],
    });
    return () => {
      cancelAnimationFrame(frame);
      resize.disconnect();
      redraw.disconnect();
    };
  }, [box, chart, active]);
  return active ? plot : null;
}

/**
 * Rollout changes as marks on a chart's time axis: a dashed line over the plot and a button at the
 * axis, one per bucket (or per run of buckets too close to tell apart), with the changes listed on
 * hover or focus. Drawn over the chart in `box`, whose Recharts surface is inside `chart`.
 */
export function ChartMarks({
  box,
  chart,
  annotations,
  starts,
  stepSeconds,
  band,
}: {
  box: RefObject<HTMLElement | null>;
  chart: RefObject<HTMLElement | null>;
  annotations: readonly Annotation[];
  starts: readonly number[];
  stepSeconds: number;
  band: boolean;
}) {
  const plot = usePlotArea(box, chart, annotations.length > 0 && starts.length > 0);
  if (!plot) return null;
  const perBucket = bucketWidth(starts.length, plot, band);
  const groups = groupMarks(annotations, starts, stepSeconds, Math.ceil(MIN_MARK_GAP_PX / Math.max(1, perBucket)));
  if (groups.length === 0) return null;
  return (
    <ul
      aria-label="Rollout changes on this chart"
      data-testid="chart-marks"
      className="pointer-events-none absolute left-0 top-0"
    >
      {groups.map((g) => {
        const x = bucketX(g.bucket, starts.length, plot, band);
        return (
          <Mark
            key={`${g.bucket}-${g.changes[0]!.t}`}
            group={g}
            x={x}
            plot={plot}
            alignRight={x > plot.left + plot.width / 2}
          />
        );
      })}
    </ul>
  );
}

function Mark({ group, x, plot, alignRight }: { group: MarkGroup; x: number; plot: PlotArea; alignRight: boolean }) {
  const tipId = useId();
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  const [dismissed, setDismissed] = useState(false);
  const open = (hovered || focused) && !dismissed;
  // Escape closes the tooltip wherever focus is while the pointer rests on the mark (WCAG 1.4.13).
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setDismissed(true);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
  const n = group.changes.length;
  return (
    <li
      data-testid="chart-mark"
      data-count={n}
      data-bucket={group.bucket}
      className="absolute w-0"
      style={{ left: x, top: plot.top, height: plot.height }}
      onMouseEnter={() => {
        setHovered(true);
        setDismissed(false);
      }}
      onMouseLeave={() => setHovered(false)}
    >
      <span
        aria-hidden="true"
        className="absolute inset-y-0 left-0 border-l border-dashed border-amber-600 dark:border-amber-400"
      />
      <button
        type="button"
        aria-label={markLabel(group)}
        aria-describedby={tipId}
        className="pointer-events-auto absolute -bottom-3 left-0 flex h-6 min-w-6 -translate-x-1/2 items-center justify-center rounded-full focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-tremor-brand dark:focus-visible:outline-dark-tremor-brand"
        onFocus={() => {
          setFocused(true);
          setDismissed(false);
        }}
        onBlur={() => setFocused(false)}
      >
        {n > 1 ? (
          <span className="flex h-4 min-w-4 items-center justify-center rounded-full bg-amber-700 px-1 text-[11px] font-semibold leading-none text-white ring-2 ring-tremor-background dark:bg-amber-400 dark:text-gray-950 dark:ring-dark-tremor-background">
            {n}
          </span>
        ) : (
          <span className="h-2.5 w-2.5 rotate-45 bg-amber-700 ring-2 ring-tremor-background dark:bg-amber-400 dark:ring-dark-tremor-background" />
        )}
      </button>
      <div
        id={tipId}
        role="tooltip"
        hidden={!open}
        data-testid="chart-mark-tooltip"
        className="pointer-events-auto absolute bottom-4 z-20 w-max max-w-72 rounded-tremor-default border border-tremor-border bg-tremor-background px-3 py-2 text-tremor-label text-tremor-content-emphasis shadow-tremor-dropdown dark:border-dark-tremor-border dark:bg-dark-tremor-background dark:text-dark-tremor-content-emphasis dark:shadow-dark-tremor-dropdown"
        style={alignRight ? { right: -12 } : { left: -12 }}
      >
        <p className="font-medium">{n === 1 ? 'Rollout change' : `${n} rollout changes`}</p>
        <ul className="mt-1 grid gap-0.5">
          {group.changes.map((c, i) => (
            <li key={`${c.t}-${i}`} className="flex gap-2">
              <time
                dateTime={new Date(c.t).toISOString()}
                className="tabular-nums text-tremor-content dark:text-gray-400"
              >
                {new Date(c.t).toISOString().slice(5, 19).replace('T', ' ')} UTC
              </time>
              <span>{c.label}</span>
            </li>
          ))}
        </ul>
      </div>
    </li>
  );
}
