import { audit } from '../audit/log';
import { verifyPassword } from './passwords';
import { CLIENT_LIMIT, clearFailures, EMAIL_LIMIT, lockedFor, recordFailure } from './rate-limit';
import { getUserByEmail } from './users';
import type { UserRow } from '../clickhouse/queries/auth';

export type SignInResult =
  | { ok: true; user: UserRow }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

/** The one message for a wrong email, a wrong password, an invited or a deactivated account. */
export const INVALID_SIGN_IN = 'Wrong email or password.';
export const LOCKED_SIGN_IN = 'Too many failed sign-ins. Try again later.';

/**
 * Password sign-in with lockout per email and per client. Audits success and failure (email only —
 * never the password or the client's address).
 */
export async function signInWithPassword(input: { email: string; password: string; client: string }): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase().slice(0, 254);
  const emailKey = `e:${email}`;
  const clientKey = `c:${input.client}`;
  const wait = Math.max(lockedFor(emailKey), lockedFor(clientKey));
  if (wait > 0) {
    await audit({ actor: { kind: 'anonymous', id: '', email }, action: 'auth.sign_in_locked' });
    return { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil(wait / 1000) };
  }
  const user = email ? await getUserByEmail(email) : null;
  const passwordOk = await verifyPassword(input.password.slice(0, 1024), user?.password_hash);
  if (!user || !passwordOk || user.status !== 'active') {
    recordFailure(emailKey, EMAIL_LIMIT);
    recordFailure(clientKey, CLIENT_LIMIT);
    await audit({
      actor: { kind: 'anonymous', id: '', email },
      action: 'auth.sign_in_failed',
      target: user ? { type: 'user', id: user.id } : undefined,
    });
    return { ok: false, reason: 'invalid' };
  }
  clearFailures(emailKey);
  await audit({ actor: { kind: 'user', id: user.id, email: user.email }, action: 'auth.sign_in', details: { method: 'password' } });
  return { ok: true, user };
}
