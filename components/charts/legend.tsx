/** Secondary text readable on both themes' cards. */
export const MUTED = 'text-tremor-content dark:text-dark-tremor-content';

/**
 * The series names above a chart, in place of Tremor's legend, whose items are not inside their list
 * (axe: listitem) and whose dark grey falls short of AA contrast. Colours cycle as Tremor's do.
 */
export function Legend({ categories, colors }: { categories: string[]; colors: readonly string[] }) {
  if (categories.length === 0) return null;
  return (
    <ul aria-label="Series" className="mb-2 flex flex-wrap justify-end gap-x-4 gap-y-1 text-tremor-default">
      {categories.map((c, i) => (
        <li key={c} className={`inline-flex items-center gap-1.5 whitespace-nowrap ${MUTED}`}>
          <span aria-hidden="true" className={`h-2 w-2 flex-none rounded-full bg-${colors[i % colors.length]}-500`} />
          {c}
        </li>
      ))}
    </ul>
  );
}
