import crypto from 'node:crypto';
import { sealData, unsealData } from 'iron-session';
import type { Role } from '@/lib/auth/permissions';
import { sessionSecret } from './secret';
import { endSession, isSessionEnded } from './ended-sessions';
import { getUserById } from './users';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export const SESSION_COOKIE = 'swarmdeck_session';
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

interface SessionData {
  uid: string;
  /** issued at, ms */
  iat: number;
  /** session id: what signing out records as ended (cookies sealed before it existed have none). */
  sid?: string;
}

/** Seal a session for a user (iron-session: AES-256-CBC + HMAC-SHA-256, with the TTL inside the seal). */
export async function sealSession(userId: string, now = Date.now()): Promise<string> {
  const data: SessionData = { uid: userId, iat: now, sid: crypto.randomBytes(16).toString('base64url') };
  return sealData(data, { password: sessionSecret(), ttl: SESSION_TTL_SECONDS });
}

export function sessionCookie(seal: string, opts: { secure: boolean }): string {
  return [
    `${SESSION_COOKIE}=${seal}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${SESSION_TTL_SECONDS}`,
    ...(opts.secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearedSessionCookie(opts: { secure: boolean }): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    'Max-Age=0',
    ...(opts.secure ? ['Secure'] : []),
  ].join('; ');
}

export function readCookie(headers: Headers, name: string): string | null {
  const raw = headers.get('cookie');
  if (!raw) return null;
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * The signed-in user behind a request's cookies, or null. The seal proves who signed in and when; the
 * user row is re-read (cached for seconds, cleared on every change) so a deactivation, a role change or a
 * password change takes effect on the next request.
 */
async function unsealed(headers: Headers): Promise<SessionData | null> {
  const seal = readCookie(headers, SESSION_COOKIE);
  if (!seal) return null;
  let data: Partial<SessionData>;
  try {
    data = await unsealData<Partial<SessionData>>(seal, { password: sessionSecret(), ttl: SESSION_TTL_SECONDS });
  } catch {
    return null;
  }
  if (typeof data.uid !== 'string' || typeof data.iat !== 'number') return null;
  if (Date.now() - data.iat > SESSION_TTL_SECONDS * 1000) return null;
  return { uid: data.uid, iat: data.iat, sid: typeof data.sid === 'string' ? data.sid : undefined };
}

export async function sessionFromHeaders(headers: Headers): Promise<SessionUser | null> {
  const data = await unsealed(headers);
  if (!data) return null;
  if (data.sid && (await isSessionEnded(data.sid))) return null;
  const user = await getUserById(data.uid);
  if (!user || user.status !== 'active') return null;
  if (data.iat < user.sessions_valid_after_ms) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/**
 * Sign-out: the cookie's session is recorded as ended until it would have expired, so a copy of the
 * cookie no longer works anywhere. Returns the user it belonged to (null for no valid session).
 */
export async function endSessionFromHeaders(headers: Headers): Promise<SessionUser | null> {
  const user = await sessionFromHeaders(headers);
  const data = await unsealed(headers);
  if (data?.sid) await endSession(data.sid, data.iat + SESSION_TTL_SECONDS * 1000);
  return user;
}
