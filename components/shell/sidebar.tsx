'use client';

import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { can, type Role } from '@/lib/auth/access';
import { NAV } from './nav';

/** Links keep the time range and filters, so moving between pages keeps the view. */
export function Sidebar({ role }: { role: Role | null }) {
  const pathname = usePathname();
  const sp = useSearchParams();
  const qs = sp.toString();
  return (
    <nav
      aria-label="Main"
      className="flex w-52 shrink-0 flex-col gap-1 border-r border-tremor-border bg-tremor-background p-3 dark:border-dark-tremor-border dark:bg-dark-tremor-background"
    >
      <Link
        href="/overview"
        className="mb-4 px-2 text-lg font-semibold text-tremor-content-strong dark:text-dark-tremor-content-strong"
      >
        Swarmdeck
      </Link>
      {NAV.filter((item) => role === null || can(role, item.permission)).map((item) => {
        const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={qs ? `${item.href}?${qs}` : item.href}
            aria-current={active ? 'page' : undefined}
            className={`rounded-tremor-small px-2 py-1.5 text-tremor-default ${
              active
                ? 'bg-tremor-brand-faint font-medium text-tremor-brand-emphasis dark:bg-dark-tremor-brand-faint dark:text-dark-tremor-brand-emphasis'
                : 'text-tremor-content-emphasis hover:bg-tremor-background-subtle dark:text-dark-tremor-content-emphasis dark:hover:bg-dark-tremor-background-subtle'
            }`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
