import { FILTER_LABEL, type FilterKey } from '@/lib/filter-params';

/** Says which of the view's filters a panel's figures do not apply (its rollup does not carry them). */
export function IgnoredFiltersNote({ keys }: { keys: readonly string[] }) {
  if (keys.length === 0) return null;
  return (
    <p data-testid="ignored-filters" className="text-tremor-label text-amber-700 dark:text-amber-400">
      Not applied on this page: {keys.map((k) => FILTER_LABEL[k as FilterKey] ?? k).join(', ')} (these figures are kept
      per swarm / per ISP only).
    </p>
  );
}
