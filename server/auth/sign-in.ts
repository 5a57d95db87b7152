import { audit, type AuditEntry } from '../audit/log';
import { needsRehash, verifyPassword } from './passwords';
import {
  beginAttempt,
  CLIENT_LIMIT,
  clearFailures,
  EMAIL_LIMIT,
  firstRefusal,
  forgiveAttempt,
  lockedFor,
} from './rate-limit';
import { getUserByEmail, rehashPassword } from './users';
import type { UserRow } from '../clickhouse/queries/auth';
import { processSingleton } from '../core/rate-limit';

export type SignInResult =
  | { ok: true; user: UserRow }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

/** The one message for a wrong email, a wrong password, an invited or a deactivated account. */
export const INVALID_SIGN_IN = 'Wrong email or password.';
export const LOCKED_SIGN_IN = 'Too many failed sign-ins. Try again later.';

/**
 * Failed sign-ins written to the audit log one row each, at most this many a minute; beyond that the
 * rest of the minute is summed into one `auth.sign_in_failed` row (details.suppressed), so a flood of
 * anonymous requests from many addresses cannot write one row per request.
 */
export const FAILED_AUDIT_PER_MINUTE = 60;

const flood = processSingleton(
  'signInAuditFlood',
  (): { windowStart: number; written: number; suppressed: number; timer?: NodeJS.Timeout } => ({
    windowStart: 0,
    written: 0,
    suppressed: 0,
  }),
);

async function flushSuppressed(): Promise<void> {
  const n = flood.suppressed;
  flood.suppressed = 0;
  flood.timer = undefined;
  if (n > 0) {
    await audit({
      actor: { kind: 'anonymous', id: '', email: '' },
      action: 'auth.sign_in_failed',
      details: { method: 'password', suppressed: n, windowStart: new Date(flood.windowStart).toISOString() },
    });
  }
}

/** Audit one failed sign-in within the per-minute budget (exported for its test). */
export async function auditSignInFailure(entry: AuditEntry, now = Date.now()): Promise<void> {
  if (now - flood.windowStart >= 60_000) {
    if (flood.suppressed > 0) await flushSuppressed();
    flood.windowStart = now;
    flood.written = 0;
  }
  if (flood.written < FAILED_AUDIT_PER_MINUTE) {
    flood.written++;
    await audit(entry);
    return;
  }
  flood.suppressed++;
  // The summary is written when the minute ends, even if no further failure comes to trigger it.
  flood.timer ??= setTimeout(
    () => void flushSuppressed().catch(() => {}),
    Math.max(0, flood.windowStart + 60_000 - now),
  ).unref();
}

/** For tests: forget the audit flood window (its pending summary is written now). */
export async function resetSignInAuditWindow(): Promise<void> {
  if (flood.timer) clearTimeout(flood.timer);
  await flushSuppressed();
  flood.windowStart = 0;
  flood.written = 0;
}

/**
 * Password sign-in with lockout per email and per client. The attempt is counted before the password
 * hash is computed (and forgiven if it succeeds), so parallel guesses are bounded by the limit; an unknown
 * email is counted and hashed like a known one. Audits success and failure (email only — never the
 * password or the client's address).
 */
export async function signInWithPassword(input: {
  email: string;
  password: string;
  client: string;
}): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase().slice(0, 254);
  const emailKey = `e:${email}`;
  const clientKey = `c:${input.client}`;
  const wait = Math.max(lockedFor(emailKey), lockedFor(clientKey));
  if (wait > 0) {
    if (firstRefusal(emailKey) || firstRefusal(clientKey)) {
      await audit({ actor: { kind: 'anonymous', id: '', email }, action: 'auth.sign_in_locked' });
    }
    return { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil(wait / 1000) };
  }
  // Synchronously, before any await: a concurrent request sees these attempts.
  beginAttempt(emailKey, EMAIL_LIMIT);
  const clientTicket = beginAttempt(clientKey, CLIENT_LIMIT);
  const user = email ? await getUserByEmail(email) : null;
  const password = input.password.slice(0, 1024);
  const passwordOk = await verifyPassword(password, user?.password_hash);
  if (!user || !passwordOk || user.status !== 'active') {
    await auditSignInFailure({
      actor: { kind: 'anonymous', id: '', email },
      action: 'auth.sign_in_failed',
      target: user ? { type: 'user', id: user.id } : undefined,
    });
    return { ok: false, reason: 'invalid' };
  }
  clearFailures(emailKey);
  forgiveAttempt(clientKey, clientTicket);
  if (needsRehash(user.password_hash)) await rehashPassword(user, password);
  await audit({
    actor: { kind: 'user', id: user.id, email: user.email },
    action: 'auth.sign_in',
    details: { method: 'password' },
  });
  return { ok: true, user };
}
