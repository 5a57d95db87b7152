/** Shared loading, empty and error states, so every panel looks the same while it waits or fails. */

export function LoadingState({ label = 'Loading…', height = 'h-40' }: { label?: string; height?: string }) {
  return (
    <div
      role="status"
      aria-live="polite"
      className={`flex ${height} animate-pulse items-center justify-center rounded-tremor-default bg-tremor-background-subtle text-tremor-default text-tremor-content dark:bg-dark-tremor-background-subtle dark:text-dark-tremor-content`}
    >
      {label}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div
      data-testid="empty-state"
      className="flex flex-col items-center justify-center gap-2 rounded-tremor-default border border-dashed border-tremor-border p-8 text-center dark:border-dark-tremor-border"
    >
      <p className="text-tremor-default font-medium text-tremor-content-strong dark:text-dark-tremor-content-strong">
        {title}
      </p>
      {children && (
        <div className="max-w-prose text-tremor-default text-tremor-content dark:text-dark-tremor-content">
          {children}
        </div>
      )}
    </div>
  );
}

export function ErrorState({
  error,
  onRetry,
}: {
  error: { message: string } | null | undefined;
  onRetry?: () => void;
}) {
  return (
    <div
      role="alert"
      className="flex flex-col items-start gap-2 rounded-tremor-default border border-red-300 bg-red-50 p-4 text-tremor-default text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
    >
      <p className="font-medium">Could not load this panel</p>
      <p>{error?.message ?? 'Unknown error'}</p>
      {onRetry && (
        <button
          type="button"
          onClick={onRetry}
          className="rounded-tremor-small border border-red-300 px-2 py-1 dark:border-red-800"
        >
          Retry
        </button>
      )}
    </div>
  );
}

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: string;
  actions?: React.ReactNode;
}) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-semibold text-tremor-content-strong dark:text-dark-tremor-content-strong">
          {title}
        </h1>
        {description && (
          <p className="mt-1 text-tremor-default text-tremor-content dark:text-dark-tremor-content">{description}</p>
        )}
      </div>
      {actions}
    </div>
  );
}
