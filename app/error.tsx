'use client';

import { useRouter } from 'next/navigation';
import { startTransition } from 'react';

/**
 * What a page shows when its server render failed before any panel could (the console's shell needs the
 * signed-in user, which the store answers): a plain message and a retry. Production builds never pass
 * the server's error text here, only a digest, so nothing of the store's own words reaches the browser.
 */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  // The failure was the server's: render it again there (refresh), then retry this boundary.
  const retry = () =>
    startTransition(() => {
      router.refresh();
      reset();
    });
  return (
    <main className="mx-auto flex max-w-xl flex-col gap-3 p-10">
      <h1 className="text-tremor-title font-semibold">This page could not load</h1>
      <p role="alert">
        The server could not answer for this page — most often the data store is slow or unavailable. Try again in a
        moment; the server&apos;s log has the details
        {error.digest ? ` (reference ${error.digest})` : ''}.
      </p>
      <div>
        <button
          type="button"
          onClick={retry}
          className="rounded-tremor-default border border-tremor-border px-3 py-1.5 dark:border-dark-tremor-border"
        >
          Try again
        </button>
      </div>
    </main>
  );
}
