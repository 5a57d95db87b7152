'use client';

import { useEffect, useRef } from 'react';
import { inputClass as baseInputClass } from '@/components/ui/form';
import type { RolloutRule } from '@/lib/rollout/rule';

export { buttonClass, dangerButtonClass, formatDate, linkButtonClass, MutationError } from '@/components/ui/form';

/** Rollout forms lay fields out in a grid: inputs fill their cell. */
export const inputClass = `w-full ${baseInputClass}`;

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal panel (click outside or Escape closes it). Keyboard users land in it: focus moves to its first
 * field when it opens, Tab and Shift+Tab stay inside it, and focus returns to what opened it on close.
 */
export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: React.ReactNode }) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    panel.current?.querySelector<HTMLElement>(FOCUSABLE)?.focus();
    return () => opener?.focus?.();
  }, []);
  const trap = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') return onClose();
    if (e.key !== 'Tab' || !panel.current) return;
    const items = [...panel.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  return (
    <div
      className="fixed inset-0 z-50 flex items-start justify-center overflow-y-auto bg-black/40 p-4"
      onClick={onClose}
      onKeyDown={trap}
      role="presentation"
    >
      <div
        ref={panel}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        className="mt-12 w-full max-w-2xl rounded-tremor-default bg-tremor-background p-6 shadow-lg dark:bg-dark-tremor-background"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 className="mb-4 text-lg font-semibold text-tremor-content-strong dark:text-dark-tremor-content-strong">
          {title}
        </h2>
        {children}
      </div>
    </div>
  );
}

function list(v: readonly (string | number)[]): string {
  return v.length ? v.join(', ') : 'any';
}

/** The rule's fields as label/value pairs, in display order. */
export function ruleFields(r: RolloutRule | null | undefined): [string, string][] {
  if (!r) return [];
  return [
    ['State', r.state],
    ['Mode', r.mode],
    ['Rollout', `${r.percentage}%`],
    ['Holdback', `${r.holdbackPercentage}%`],
    ['ASN allow', list(r.targeting.asnAllow)],
    ['ASN deny', r.targeting.asnDeny.length ? r.targeting.asnDeny.join(', ') : 'none'],
    ['Countries', list(r.targeting.countries)],
    ['Min client version', r.targeting.minClientVersion || 'none'],
    ['Upload cap', `${r.uploadCapKbps} kbps`],
    ['Max peers', String(r.maxPeers)],
    ['Salt', r.salt],
  ];
}

/** Before/after table; changed rows highlighted. */
export function RuleDiff({ before, after }: { before: RolloutRule | null; after: RolloutRule | null }) {
  const b = ruleFields(before);
  const a = ruleFields(after);
  return (
    <table data-testid="rule-diff" className="w-full text-left text-tremor-default">
      <thead>
        <tr className="text-tremor-content dark:text-dark-tremor-content">
          <th className="py-1 pr-2 font-medium">Field</th>
          <th className="py-1 pr-2 font-medium">Before</th>
          <th className="py-1 font-medium">After</th>
        </tr>
      </thead>
      <tbody>
        {a.map(([label, value], i) => {
          const old = b[i]?.[1] ?? '—';
          const changed = old !== value;
          return (
            <tr
              key={label}
              data-changed={changed ? 'true' : undefined}
              className={changed ? 'bg-amber-50 font-medium dark:bg-amber-950' : ''}
            >
              <td className="py-0.5 pr-2 text-tremor-content dark:text-dark-tremor-content">{label}</td>
              <td className="py-0.5 pr-2">{old}</td>
              <td className="py-0.5">{value}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
