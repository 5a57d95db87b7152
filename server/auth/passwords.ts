import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (
  pw: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  len: number,
  opts: crypto.ScryptOptions,
) => Promise<Buffer>;

// OWASP's Password Storage Cheat Sheet lists equal-strength scrypt settings; N=2^15, r=8, p=3 is the one
// with 32 MiB per hash (N=2^17, p=1 needs 128 MiB), which matters with 64 libuv threads hashing at once.
// Hashes made with older settings are replaced at the user's next successful sign-in (needsRehash).
const N = 1 << 15;
const R = 8;
const P = 3;
const KEYLEN = 32;
const MAXMEM = 64 * 1024 * 1024;
/** Hashes computed at once: each holds 32 MiB and a core; more wait in line instead of exhausting memory. */
const MAX_CONCURRENT = 4;

let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** `scrypt$N$r$p$<salt b64url>$<hash b64url>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await limited(() => scrypt(password.normalize('NFKC'), salt, KEYLEN, { N, r: R, p: P, maxmem: MAXMEM }));
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** The stored hash was made with other settings than today's: replace it once the password is known. */
export function needsRehash(stored: string): boolean {
  const [kind, n, r, p] = stored.split('$');
  return kind === 'scrypt' && (Number(n) !== N || Number(r) !== R || Number(p) !== P);
}

// Verified against when the email is unknown, so a miss costs the same time as a wrong password.
let dummy: Promise<string> | undefined;

/** Make the unknown-email hash ahead of the first sign-in, so even that one costs what the others do. */
export function warmPasswordDummy(): Promise<string> {
  return (dummy ??= hashPassword(crypto.randomBytes(16).toString('hex')));
}

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const encoded = stored || (await warmPasswordDummy());
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const want = Buffer.from(hash, 'base64url');
  // Old hashes were made with at most these settings; anything dearer in a stored hash is refused.
  if (!(Number(n) <= N * 4 && Number(r) === R && Number(p) >= 1 && Number(p) <= 16)) return false;
  const got = await limited(() =>
    scrypt(password.normalize('NFKC'), Buffer.from(salt, 'base64url'), want.length, {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      maxmem: 4 * MAXMEM,
    }),
  );
  return crypto.timingSafeEqual(got, want) && Boolean(stored);
}

/** A random password for `user:add` and the demo admin: 20 characters, ~119 bits. */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = crypto.randomBytes(20);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export const MIN_PASSWORD_LENGTH = 8;
