'use client';

import { useState } from 'react';

const input =
  'w-full rounded-tremor-small border border-tremor-border bg-tremor-background px-3 py-2 text-tremor-default text-tremor-content-strong dark:border-dark-tremor-border dark:bg-dark-tremor-background dark:text-dark-tremor-content-strong';

export function SignInForm({ next, initialError }: { next: string; initialError?: string }) {
  const [error, setError] = useState<string | undefined>(initialError);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const res = await fetch('/api/auth/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
      });
      if (res.ok) {
        window.location.assign(next);
        return;
      }
      const body = (await res.json().catch(() => ({}))) as { error?: string };
      const retry = res.headers.get('retry-after');
      setError(
        res.status === 429 && retry
          ? `${body.error ?? 'Too many attempts.'} (about ${Math.ceil(Number(retry) / 60)} min)`
          : (body.error ?? `Sign-in failed (${res.status}).`),
      );
    } catch {
      setError('The server did not answer. Try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" data-testid="sign-in-form">
      <label className="flex flex-col gap-1 text-tremor-default">
        <span>Email</span>
        <input name="email" type="email" autoComplete="username" required className={input} />
      </label>
      <label className="flex flex-col gap-1 text-tremor-default">
        <span>Password</span>
        <input name="password" type="password" autoComplete="current-password" required className={input} />
      </label>
      {error && (
        <p role="alert" data-testid="sign-in-error" className="text-tremor-default text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={busy}
        className="rounded-tremor-small bg-tremor-brand px-3 py-2 text-tremor-default font-medium text-tremor-brand-inverted hover:bg-tremor-brand-emphasis disabled:opacity-60 dark:bg-dark-tremor-brand dark:text-dark-tremor-brand-inverted"
      >
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
