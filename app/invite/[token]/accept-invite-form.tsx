'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

const input =
  'w-full rounded-tremor-small border border-tremor-border bg-tremor-background px-3 py-2 text-tremor-default text-tremor-content-strong dark:border-dark-tremor-border dark:bg-dark-tremor-background dark:text-dark-tremor-content-strong';

export function AcceptInviteForm({ token, minLength }: { token: string; minLength: number }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    if (form.get('password') !== form.get('confirm')) {
      setError('The two passwords differ.');
      return;
    }
    setBusy(true);
    setError(undefined);
    const res = await fetch('/api/auth/invite', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: form.get('password') }),
    }).catch(() => null);
    setBusy(false);
    if (res?.ok) {
      router.replace('/overview');
      return;
    }
    const body = (await res?.json().catch(() => ({}))) as { error?: string } | undefined;
    setError(body?.error ?? 'The server did not answer. Try again.');
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4">
      <label className="flex flex-col gap-1 text-tremor-default">
        <span>New password</span>
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={minLength}
          required
          className={input}
        />
      </label>
      <label className="flex flex-col gap-1 text-tremor-default">
        <span>Repeat it</span>
        <input
          name="confirm"
          type="password"
          autoComplete="new-password"
          minLength={minLength}
          required
          className={input}
        />
      </label>
      {error && (
        <p role="alert" className="text-tremor-default text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={busy}
        className="rounded-tremor-small bg-tremor-brand px-3 py-2 text-tremor-default font-medium text-tremor-brand-inverted hover:bg-tremor-brand-emphasis disabled:opacity-60"
      >
        {busy ? 'Saving…' : 'Set password and sign in'}
      </button>
    </form>
  );
}
