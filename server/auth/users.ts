import crypto from 'node:crypto';
import { z } from 'zod';
import { Role } from '@/lib/auth/permissions';
import { insert, query } from '../clickhouse/client';
import { ServiceError } from '../core/errors';
import { hashPassword } from './passwords';
import {
  CountUsersSql,
  ListUsersSql,
  UserByEmailSql,
  UserByIdpSubjectSql,
  UserByIdSql,
  UserRow,
  type UserStatus,
} from '../clickhouse/queries/auth';
import { processSingleton } from '../core/rate-limit';

/**
 * Users in ClickHouse. Every change writes a new row version (ReplacingMergeTree); reads use FINAL.
 * A process-wide cache (on globalThis, so Next's bundles and the server entry share it) answers the
 * per-request session check; every write in this process clears the user's entry, and entries live a
 * few seconds at most for writes made by another process (a remote-store cluster) — up to five minutes
 * while the store is slow or failing, when a recent entry answers rather than failing every page.
 */

const CACHE_MS = 3_000;
/** How long the store may take to refresh an entry before the entry answers on its own. */
export const LOOKUP_BUDGET_MS = 1_000;
/** The oldest entry that answers while the store is slow or failing. */
export const STALE_IF_SLOW_MS = 5 * 60_000;
type Cache = Map<string, { at: number; row: UserRow | null }>;
const cache: Cache = processSingleton('userCache', (): Cache => new Map());
const inflight = processSingleton('userLookups', () => new Map<string, Promise<UserRow | null>>());

/** `p`'s value if it settles well within `ms`, otherwise (or if it fails) `fallback`. */
export function awaitWithin<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

export function invalidateUser(id: string): void {
  cache.delete(id);
}

export const Email = z.string().trim().toLowerCase().pipe(z.email('Enter a valid email address.').max(254));

export async function getUserById(id: string, opts: { fresh?: boolean } = {}): Promise<UserRow | null> {
  const hit = cache.get(id);
  if (!opts.fresh && hit && Date.now() - hit.at < CACHE_MS) return hit.row;
  let pending = inflight.get(id);
  if (!pending) {
    pending = query(UserByIdSql, { id })
      .then(([row]) => {
        cache.set(id, { at: Date.now(), row: row ?? null });
        return row ?? null;
      })
      .finally(() => inflight.delete(id));
    inflight.set(id, pending);
  }
  if (opts.fresh || !hit || Date.now() - hit.at > STALE_IF_SLOW_MS) return pending;
  // The store is slow or failing: the entry it would refresh answers the session check for a while,
  // so the console's pages still render (their panels then show the store's error) instead of failing whole.
  // Writes in this process delete the entry (invalidateUser), so a change made here is never served stale.
  return awaitWithin(pending, LOOKUP_BUDGET_MS, hit.row);
}

export async function getUserByEmail(email: string): Promise<UserRow | null> {
  const [row] = await query(UserByEmailSql, { email: email.trim().toLowerCase() });
  return row ?? null;
}

export async function getUserByIdpSubject(subject: string): Promise<UserRow | null> {
  if (!subject) return null;
  const [row] = await query(UserByIdpSubjectSql, { subject });
  return row ?? null;
}

export async function listUsers(): Promise<UserRow[]> {
  return query(ListUsersSql);
}

export async function countUsers(): Promise<{ n: number; admins: number }> {
  const [row] = await query(CountUsersSql);
  return row ?? { n: 0, admins: 0 };
}

// Versions must grow even for two writes in one millisecond.
let lastVersion = 0;
function nextVersion(): number {
  lastVersion = Math.max(Date.now() * 1000, lastVersion + 1);
  return lastVersion;
}

async function write(row: Omit<UserRow, 'version' | 'updated_at_ms'>): Promise<UserRow> {
  const full: UserRow = { ...row, updated_at_ms: Date.now(), version: nextVersion() };
  await insert('users', [
    {
      id: full.id,
      email: full.email,
      name: full.name,
      role: full.role,
      status: full.status,
      password_hash: full.password_hash,
      idp_subject: full.idp_subject,
      sessions_valid_after: full.sessions_valid_after_ms,
      created_at: full.created_at_ms,
      updated_at: full.updated_at_ms,
      version: full.version,
    },
  ]);
  invalidateUser(full.id);
  return full;
}

export class UserError extends ServiceError {
  constructor(
    readonly code: 'conflict' | 'not_found' | 'invalid',
    message: string,
  ) {
    super(code === 'invalid' ? 'bad_request' : code, message);
  }
}

// Email uniqueness is checked here; one chain per process serialises the check-then-insert.
let chain: Promise<unknown> = Promise.resolve();
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const run = chain.then(fn, fn);
  chain = run.catch(() => undefined);
  return run;
}

export function createUser(input: {
  email: string;
  role: Role;
  name?: string;
  passwordHash?: string;
  status?: UserStatus;
  idpSubject?: string;
}): Promise<UserRow> {
  return serial(async () => {
    const email = Email.parse(input.email);
    if (await getUserByEmail(email)) throw new UserError('conflict', `A user with the email ${email} already exists.`);
    const now = Date.now();
    return write({
      id: crypto.randomUUID(),
      email,
      name: input.name?.trim() || email.split('@')[0]!,
      role: Role.parse(input.role),
      status: input.status ?? 'active',
      password_hash: input.passwordHash ?? '',
      idp_subject: input.idpSubject ?? '',
      sessions_valid_after_ms: now,
      created_at_ms: now,
    });
  });
}

/**
 * Change a user. A status change or a new password ends the user's existing sessions; a role change
 * needs no new session because every request re-reads the role.
 */
export async function updateUser(
  id: string,
  change: Partial<Pick<UserRow, 'role' | 'status' | 'password_hash' | 'name' | 'idp_subject'>>,
): Promise<{ before: UserRow; after: UserRow }> {
  const before = await getUserById(id, { fresh: true });
  if (!before) throw new UserError('not_found', 'No such user.');
  const endSessions =
    (change.status !== undefined && change.status !== before.status) || change.password_hash !== undefined;
  const { version: _v, updated_at_ms: _u, ...rest } = before;
  const after = await write({
    ...rest,
    ...change,
    // A new sign-in in the same millisecond must still count, so the cut-off is "before now".
    sessions_valid_after_ms: endSessions ? Date.now() : before.sessions_valid_after_ms,
  });
  return { before, after };
}

/**
 * Replace a hash made with older scrypt settings by one made with today's, after a sign-in proved the
 * password. The same password: existing sessions stay valid.
 */
export async function rehashPassword(user: UserRow, password: string): Promise<void> {
  const fresh = await getUserById(user.id, { fresh: true });
  if (!fresh || fresh.password_hash !== user.password_hash) return;
  const { version: _v, updated_at_ms: _u, ...rest } = fresh;
  await write({ ...rest, password_hash: await hashPassword(password) });
}

/** End every session the user holds (sign out everywhere); the next request needs a new sign-in. */
export async function endSessions(id: string): Promise<void> {
  const before = await getUserById(id, { fresh: true });
  if (!before) throw new UserError('not_found', 'No such user.');
  const { version: _v, updated_at_ms: _u, ...rest } = before;
  // +1 ms: a session sealed in this very millisecond is ended too.
  await write({ ...rest, sessions_valid_after_ms: Date.now() + 1 });
}

/** What may leave the server about a user (never the password hash). */
export function publicUser(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    status: u.status,
    createdAt: new Date(u.created_at_ms),
  };
}
