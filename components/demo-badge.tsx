/**
 * "Demo data" badge: says the figures come from the simulated fleet (`npm run demo`). A server
 * component; the layout renders it when SWARMDECK_DEMO=1.
 */
export function DemoBadge({ className = '' }: { className?: string }) {
  return (
    <span
      data-testid="demo-badge"
      title="Every figure here comes from a simulated fleet (scripts/simulate.ts, driving the sim/ package), not from real viewers."
      className={`inline-flex items-center gap-1.5 rounded-tremor-full border border-amber-300 bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200 ${className}`}
    >
      <span aria-hidden className="h-1.5 w-1.5 rounded-full bg-amber-500" />
      Demo data
    </span>
  );
}
