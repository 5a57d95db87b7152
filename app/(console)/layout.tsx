import { cookies, headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { Suspense } from 'react';
import { HeaderControls } from '@/components/shell/header';
import { Sidebar } from '@/components/shell/sidebar';
import { ThemeToggle } from '@/components/shell/theme-toggle';
import { SignOutButton } from '@/components/auth/sign-out-button';
import { DemoBadge } from '@/components/demo-badge';
import { NAV } from '@/components/shell/nav';
import { RoleProvider } from '@/lib/auth/use-can';
import { mayOpenPage, PATH_HEADER } from '@/server/auth/page-access';
import { env } from '@/server/env';
import { TRPCReactProvider } from '../_trpc/client';
import { serverCaller } from '../_trpc/server';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const picked = (await cookies()).get('theme')?.value;
  const theme = picked === 'dark' || picked === 'light' ? picked : 'system';
  const caller = await serverCaller();
  const me = await caller.auth.me();
  const path = (await headers()).get(PATH_HEADER);
  if (!me) redirect(path && path !== '/overview' ? `/sign-in?next=${encodeURIComponent(path)}` : '/sign-in');
  if (!mayOpenPage(me.role, path, NAV)) notFound();
  return (
    <TRPCReactProvider>
      <RoleProvider role={me.role}>
        <div className="flex min-h-screen">
          <Suspense>
            <Sidebar role={me.role} />
          </Suspense>
          <div className="flex min-w-0 flex-1 flex-col">
            <header className="flex flex-wrap items-center justify-between gap-3 border-b border-tremor-border bg-tremor-background px-6 py-3 dark:border-dark-tremor-border dark:bg-dark-tremor-background">
              <Suspense>
                <HeaderControls />
              </Suspense>
              <div className="flex items-center gap-3 text-tremor-default">
                {env().SWARMDECK_DEMO && <DemoBadge />}
                <span data-testid="whoami">
                  {me.email} · {me.role}
                </span>
                <ThemeToggle initial={theme} />
                <SignOutButton />
              </div>
            </header>
            <main className="flex-1 p-6">{children}</main>
          </div>
        </div>
      </RoleProvider>
    </TRPCReactProvider>
  );
}
