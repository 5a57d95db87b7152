/**
 * A row of mutually exclusive choices (Offload's "break down by"), styled as Tremor's solid tabs. Each
 * choice is a toggle button (`aria-pressed`) in a labelled group: the choice changes what one panel lists
 * and the URL, it does not switch between tab panels, so the tabs pattern's roles would promise a panel
 * structure that is not there. Tremor's Tab brings Headless UI and react-aria (≈ 10 KiB compressed) for
 * what a few buttons do; see README "Dashboards → Page weight".
 */
export function Segmented<T extends string>({
  label,
  options,
  value,
  onChange,
  testId,
}: {
  label: string;
  options: readonly { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
  testId?: string;
}) {
  return (
    <div
      role="group"
      aria-label={label}
      data-testid={testId}
      className="inline-flex flex-wrap gap-1.5 self-start rounded-tremor-default bg-tremor-background-subtle p-0.5 dark:bg-dark-tremor-background-subtle"
    >
      {options.map((o) => {
        const on = o.value === value;
        return (
          <button
            key={o.value}
            type="button"
            aria-pressed={on}
            onClick={() => !on && onChange(o.value)}
            className={`whitespace-nowrap rounded-tremor-small border px-2.5 py-1 text-tremor-default outline-none transition duration-100 focus-visible:ring ${
              on
                ? 'border-tremor-border bg-tremor-background text-tremor-brand shadow-tremor-input dark:border-dark-tremor-border dark:bg-dark-tremor-background dark:text-dark-tremor-brand dark:shadow-dark-tremor-input'
                : 'border-transparent text-tremor-content hover:text-tremor-content-emphasis dark:text-dark-tremor-content dark:hover:text-dark-tremor-content-emphasis'
            }`}
          >
            {o.label}
          </button>
        );
      })}
    </div>
  );
}
