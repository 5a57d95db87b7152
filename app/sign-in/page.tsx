import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { headers } from 'next/headers';
import { oidcConfigured } from '@/server/auth/oidc-config';
import { sessionFromHeaders } from '@/server/auth/session';
import { NextPath } from '@/server/auth/http';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

const ERRORS: Record<string, string> = {
  sso: 'Single sign-on failed. Try again or use your password.',
  sso_role: 'Your account has no Swarmdeck role. Ask an admin to add you to a Swarmdeck group.',
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const sp = await searchParams;
  const next = NextPath.parse(typeof sp.next === 'string' ? sp.next : undefined);
  if (await sessionFromHeaders(new Headers(await headers()))) redirect(next);
  const error = typeof sp.error === 'string' ? ERRORS[sp.error] : undefined;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-tremor-default border border-tremor-border bg-tremor-background p-6 shadow-tremor-card dark:border-dark-tremor-border dark:bg-dark-tremor-background">
        <h1 className="mb-1 text-2xl font-semibold text-tremor-content-strong dark:text-dark-tremor-content-strong">
          Sign in
        </h1>
        <p className="mb-6 text-tremor-default text-tremor-content dark:text-dark-tremor-content">
          Swarmdeck operations console
        </p>
        <SignInForm next={next} initialError={error} />
        {oidcConfigured() && (
          <>
            <div className="my-4 text-center text-tremor-label text-tremor-content dark:text-dark-tremor-content">
              or
            </div>
            <a
              data-testid="sso-sign-in"
              href={`/api/auth/oidc/start?next=${encodeURIComponent(next)}`}
              className="block w-full rounded-tremor-small border border-tremor-border px-3 py-2 text-center text-tremor-default font-medium text-tremor-content-emphasis hover:bg-tremor-background-subtle dark:border-dark-tremor-border dark:text-dark-tremor-content-emphasis dark:hover:bg-dark-tremor-background-subtle"
            >
              Sign in with single sign-on
            </a>
          </>
        )}
      </div>
    </main>
  );
}
