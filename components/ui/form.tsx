'use client';

/** The console's form pieces, one definition each: inputs, buttons, a mutation's error, a secret shown once, dates. */

export const inputClass =
  'rounded-tremor-small border border-tremor-border bg-tremor-background px-2 py-1.5 text-tremor-default text-tremor-content-strong dark:border-dark-tremor-border dark:bg-dark-tremor-background dark:text-dark-tremor-content-strong';

export const buttonClass =
  'rounded-tremor-small bg-tremor-brand px-3 py-1.5 text-tremor-default font-medium text-tremor-brand-inverted hover:bg-tremor-brand-emphasis disabled:opacity-60 dark:bg-dark-tremor-brand dark:text-dark-tremor-brand-inverted';

export const dangerButtonClass =
  'rounded-tremor-small bg-red-600 px-3 py-1.5 text-tremor-default font-medium text-white hover:bg-red-700 disabled:opacity-60';

/** A plain (outlined) button beside a primary one. */
export const secondaryButtonClass =
  'rounded-tremor-small border border-tremor-border bg-tremor-background px-3 py-1.5 text-tremor-default font-medium text-tremor-content-strong hover:bg-tremor-background-muted disabled:opacity-50 dark:border-dark-tremor-border dark:bg-dark-tremor-background dark:text-dark-tremor-content-strong';

export const linkButtonClass =
  'rounded-tremor-small border border-tremor-border px-2 py-1 text-tremor-label hover:bg-tremor-background-subtle disabled:opacity-60 dark:border-dark-tremor-border dark:hover:bg-dark-tremor-background-subtle';

/** A secret shown once, with a copy button. */
export function ShownOnce({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div
      role="status"
      className="mt-4 rounded-tremor-small border border-amber-300 bg-amber-50 p-3 text-tremor-default text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <p className="font-medium">{label} — copy it now, it is not shown again:</p>
      <div className="mt-2 flex items-center gap-2">
        <code data-testid={testId} className="break-all rounded bg-white/70 px-2 py-1 dark:bg-black/30">
          {value}
        </code>
        <button type="button" className={linkButtonClass} onClick={() => void navigator.clipboard?.writeText(value)}>
          Copy
        </button>
      </div>
    </div>
  );
}

/** A failed mutation's message, announced to screen readers. */
export function MutationError({ error }: { error: { message: string } | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="mt-2 text-tremor-default text-red-700 dark:text-red-400">
      {error.message}
    </p>
  );
}

/** A timestamp as `YYYY-MM-DD HH:MM UTC`, or — when there is none. */
export function formatDate(d: Date | string | null | undefined): string {
  if (!d) return '—';
  const date = typeof d === 'string' ? new Date(d) : d;
  return Number.isNaN(date.getTime()) ? '—' : date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}
