import type { Metadata } from 'next';
import { peekInvite } from '@/server/auth/invites';
import { MIN_PASSWORD_LENGTH } from '@/server/auth/passwords';
import { AcceptInviteForm } from './accept-invite-form';

export const metadata: Metadata = { title: 'Accept invitation', referrer: 'no-referrer' };
export const dynamic = 'force-dynamic';

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invite = await peekInvite(token);
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-tremor-default border border-tremor-border bg-tremor-background p-6 shadow-tremor-card dark:border-dark-tremor-border dark:bg-dark-tremor-background">
        <h1 className="mb-1 text-2xl font-semibold text-tremor-content-strong dark:text-dark-tremor-content-strong">
          Accept invitation
        </h1>
        {invite ? (
          <>
            <p className="mb-6 text-tremor-default text-tremor-content dark:text-dark-tremor-content">
              Choose a password for <strong data-testid="invite-email">{invite.email}</strong>.
            </p>
            <AcceptInviteForm token={token} minLength={MIN_PASSWORD_LENGTH} />
          </>
        ) : (
          <p role="alert" className="text-tremor-default text-tremor-content dark:text-dark-tremor-content">
            This invitation link is invalid, used or expired. Ask an admin for a new one.
          </p>
        )}
      </div>
    </main>
  );
}
