'use client';

import { useEffect, useRef, useState } from 'react';
import { formatBytes } from '@/lib/format';

type State =
  | { phase: 'idle' }
  | { phase: 'running'; startedAt: number; received: number; total: number }
  | { phase: 'error'; message: string };

/**
 * Downloads a report through fetch so progress can be shown: after a second a bar appears with the
 * time spent generating, then the bytes received as the file streams in.
 */
export function DownloadButton({
  href,
  label,
  filenameHint,
  disabled,
  onDone,
}: {
  href: string;
  label: string;
  filenameHint: string;
  disabled?: boolean;
  onDone?: () => void;
}) {
  const [state, setState] = useState<State>({ phase: 'idle' });
  const [now, setNow] = useState(0);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearInterval(timer.current);
    },
    [],
  );

  async function run() {
    const startedAt = Date.now();
    setNow(startedAt);
    setState({ phase: 'running', startedAt, received: 0, total: 0 });
    timer.current = setInterval(() => setNow(Date.now()), 200);
    try {
      const res = await fetch(href, { credentials: 'same-origin' });
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => null)) as { error?: string } | null;
        throw new Error(body?.error ?? `The server answered ${res.status}.`);
      }
      const total = Number(res.headers.get('content-length') ?? 0);
      const reader = res.body.getReader();
      const chunks: Uint8Array[] = [];
      let received = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.length;
        setState({ phase: 'running', startedAt, received, total });
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? filenameHint;
      const url = URL.createObjectURL(
        new Blob(chunks as BlobPart[], { type: res.headers.get('content-type') ?? 'application/octet-stream' }),
      );
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ phase: 'idle' });
      onDone?.();
    } catch (e) {
      setState({ phase: 'error', message: (e as Error).message });
    } finally {
      if (timer.current) clearInterval(timer.current);
      timer.current = null;
    }
  }

  const running = state.phase === 'running';
  const elapsed = running ? now - state.startedAt : 0;
  return (
    <div className="flex flex-col gap-1">
      <button
        type="button"
        onClick={() => void run()}
        disabled={disabled || running}
        data-testid={`download-${label}`}
        className="rounded-tremor-small border border-tremor-border bg-tremor-background px-3 py-1.5 text-tremor-default font-medium text-tremor-content-strong shadow-tremor-input hover:bg-tremor-background-muted disabled:opacity-50 dark:border-dark-tremor-border dark:bg-dark-tremor-background dark:text-dark-tremor-content-strong"
      >
        {running ? `${label}…` : label}
      </button>
      {running && elapsed >= 1000 && (
        <div
          role="progressbar"
          aria-label={`Generating ${label}`}
          aria-valuemin={0}
          aria-valuemax={state.total || undefined}
          aria-valuenow={state.received}
          className="w-40 text-xs text-tremor-content dark:text-dark-tremor-content"
          data-testid={`progress-${label}`}
        >
          <div className="h-1.5 w-full overflow-hidden rounded bg-tremor-background-subtle dark:bg-dark-tremor-background-subtle">
            <div
              className={`h-full bg-tremor-brand ${state.total ? '' : 'animate-pulse'}`}
              style={{ width: state.total ? `${Math.round((100 * state.received) / state.total)}%` : '100%' }}
            />
          </div>
          {state.received === 0
            ? `Generating… ${(elapsed / 1000).toFixed(1)} s`
            : `Downloading ${formatBytes(state.received)}${state.total ? ` of ${formatBytes(state.total)}` : ''}`}
        </div>
      )}
      {state.phase === 'error' && (
        <p role="alert" className="max-w-xs text-xs text-red-700 dark:text-red-300">
          {state.message}
        </p>
      )}
    </div>
  );
}
