'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';
import { QOE_SOURCE_LABEL, QOE_SOURCES, qoeSourceFromSearchParams, type QoeSource } from '@/lib/qoe-source';

/** `?source=` in the URL, like every other filter, so a view can be shared. */
export function useQoeSource(): { value: QoeSource; set: (v: QoeSource) => void } {
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const key = sp.toString();
  const value = qoeSourceFromSearchParams(new URLSearchParams(key));
  const set = useCallback(
    (v: QoeSource) => {
      const next = new URLSearchParams(key);
      if (v === 'all') next.delete('source');
      else next.set('source', v);
      const qs = next.toString();
      router.push(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [key, pathname, router],
  );
  return { value, set };
}

/** Which players' reports the figures include; CMCD sessions carry no P2P bytes, only QoE. */
export function SourceFilter({ value, onChange }: { value: QoeSource; onChange: (v: QoeSource) => void }) {
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      <label
        htmlFor="qoe-source"
        className="font-medium text-tremor-content-strong dark:text-dark-tremor-content-strong"
      >
        Source
      </label>
      <select
        id="qoe-source"
        data-testid="qoe-source"
        value={value}
        onChange={(e) => onChange(e.target.value as QoeSource)}
        className="rounded-tremor-default border border-tremor-border bg-tremor-background px-2 py-1 dark:border-dark-tremor-border dark:bg-dark-tremor-background"
      >
        {QOE_SOURCES.map((s) => (
          <option key={s} value={s}>
            {QOE_SOURCE_LABEL[s]}
          </option>
        ))}
      </select>
      <span className="text-tremor-content dark:text-dark-tremor-content">
        CMCD players report playback only (no P2P bytes); a session reporting both ways counts once, with its SDK
        figures.
      </span>
    </div>
  );
}
